package io.medualtime.nn.gpt2;

import io.medualtime.nn.StateDictLoader;
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
 * {@code attn.masked_bias}) and a tied {@code lm_head.weight} are ignored. Every missing tensor or
 * shape disagreement with config.json is an error naming the file and the tensor.
 */
public final class Gpt2Loader {
    private Gpt2Loader() {}

    /** Loads every weight into the heap (trainable; training updates weights in place). */
    public static Gpt2 load(Path folder) throws IOException {
        return load(folder, StateDictLoader.NEVER_MAP);
    }

    /** F32 matrices at least this big stay in the mapped file when loading with {@code mapWeights}. */
    public static final long MAP_MIN_BYTES = 1 << 20;

    /**
     * With {@code mapWeights}, the large F32 matrices (at least {@link #MAP_MIN_BYTES}) stay in the
     * memory-mapped file as read-only storage, so the heap holds little more than the small tensors,
     * and the model comes back frozen: for inference and frozen-LM use on the CPU (moving it to
     * CUDA copies the weights). Without it, the same as {@link #load(Path)}.
     */
    public static Gpt2 load(Path folder, boolean mapWeights) throws IOException {
        return mapWeights ? load(folder, MAP_MIN_BYTES) : load(folder);
    }

    /**
     * Maps F32 matrices of at least {@code mapMinBytes} and then freezes the model, copies the rest;
     * {@link StateDictLoader#NEVER_MAP} copies everything and leaves the model trainable.
     */
    public static Gpt2 load(Path folder, long mapMinBytes) throws IOException {
        Gpt2Config cfg = Gpt2Config.load(folder);
        Gpt2 model = new Gpt2(cfg, new Rng(0), false);   // every weight is read below: skip the random init
        try (SafetensorsReader st = ShardedSafetensors.open(folder)) {
            Map<String, String> byShortName = new LinkedHashMap<>();
            for (String key : st.names()) {
                String k = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
                if (k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias") || k.equals("lm_head.weight")) continue;
                byShortName.put(k, key);
            }
            StateDictLoader.load(model, st, byShortName, "", cfg.nLayer() + " layers of width " + cfg.nEmbd(), "GPT-2", mapMinBytes);
        }
        if (mapMinBytes != StateDictLoader.NEVER_MAP) model.freeze();   // mapped weights are read-only
        return model;
    }
}
