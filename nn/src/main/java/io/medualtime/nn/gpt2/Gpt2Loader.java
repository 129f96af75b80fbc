package io.medualtime.nn.gpt2;

import io.medualtime.nn.StateDictLoader;
import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.io.SafetensorsReader;
import io.medualtime.tensor.io.ShardedSafetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a Hugging Face GPT-2 model folder (config.json + model.safetensors or a sharded index).
 * Keys may carry a {@code transformer.} prefix; the attention buffers ({@code attn.bias},
 * {@code attn.masked_bias}) and a tied {@code lm_head.weight} are ignored. config.json's sizes are
 * checked against {@link io.medualtime.nn.config.SizeLimits}, then the weights file's header
 * against the shapes they imply and the heap against what the weights need, all before the model
 * is built; every weight is checked finite as it is read (see {@link StateDictLoader}). Each
 * problem is an IOException naming the file and the field or tensor.
 *
 * <p>Models come back in eval mode (no dropout), ready for inference; training asks for
 * {@code train(true)} explicitly.
 */
public final class Gpt2Loader {
    private Gpt2Loader() {}

    /** Loads every weight into the heap (trainable; training updates weights in place); eval mode. */
    public static Gpt2 load(Path folder) throws IOException {
        return load(folder, StateDictLoader.NEVER_MAP);
    }

    /** F32 matrices at least this big stay in the mapped file when loading with {@code mapWeights}. */
    public static final long MAP_MIN_BYTES = 1 << 20;

    /**
     * With {@code mapWeights}, the large F32 matrices (at least {@link #MAP_MIN_BYTES}) stay in the
     * memory-mapped file as read-only storage, so the heap holds little more than the small tensors,
     * and the model comes back frozen: for inference and frozen-LM use on the CPU (moving it to
     * CUDA copies the weights); {@link Gpt2#checkMappedWeights} tells whether the file was rewritten
     * since. Without it, the same as {@link #load(Path)}.
     */
    public static Gpt2 load(Path folder, boolean mapWeights) throws IOException {
        return mapWeights ? load(folder, MAP_MIN_BYTES) : load(folder);
    }

    /**
     * Maps F32 matrices of at least {@code mapMinBytes} and then freezes the model, copies the rest;
     * {@link StateDictLoader#NEVER_MAP} copies everything and leaves the model trainable. Eval mode.
     */
    public static Gpt2 load(Path folder, long mapMinBytes) throws IOException {
        return load(folder, mapMinBytes, c -> c);
    }

    /** {@link #load(Path, long)} with the config of config.json changed by {@code adjust} (e.g. other dropout rates; sizes must stay). */
    public static Gpt2 load(Path folder, long mapMinBytes, java.util.function.UnaryOperator<Gpt2Config> adjust) throws IOException {
        Gpt2Config cfg = adjust.apply(Gpt2Config.load(folder));
        Gpt2 model;
        try (SafetensorsReader st = ShardedSafetensors.open(folder)) {
            Map<String, String> byShortName = new LinkedHashMap<>();
            for (String key : st.names()) {
                String k = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
                if (k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias") || k.equals("lm_head.weight")) continue;
                String twin = byShortName.put(k, key);
                if (twin != null)
                    throw new ConfigException(st.describe() + ": tensors '" + twin + "' and '" + key + "' are the same weight " + k);
            }
            StateDictLoader.Keys keys = new StateDictLoader.Keys(byShortName, "", cfg.nLayer() + " layers of width " + cfg.nEmbd(),
                    "GPT-2");
            // every weight is read: skip the random init
            model = StateDictLoader.buildAndLoad(cfg.stateDictShapes(), () -> new Gpt2(cfg, new Rng(0), false), st, keys, mapMinBytes);
            if (mapMinBytes != StateDictLoader.NEVER_MAP) {
                model.freeze();   // mapped weights are read-only
                model.mappedFrom(st.files());
            }
        }
        model.eval();
        return model;
    }
}
