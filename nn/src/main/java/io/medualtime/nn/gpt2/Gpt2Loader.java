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

    public static Gpt2 load(Path folder) throws IOException {
        Gpt2Config cfg = Gpt2Config.load(folder);
        Gpt2 model = new Gpt2(cfg, new Rng(0), false);   // every weight is read below: skip the random init
        try (SafetensorsReader st = ShardedSafetensors.open(folder)) {
            Map<String, String> byShortName = new LinkedHashMap<>();
            for (String key : st.names()) {
                String k = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
                if (k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias") || k.equals("lm_head.weight")) continue;
                byShortName.put(k, key);
            }
            StateDictLoader.load(model, st, byShortName, "", cfg.nLayer() + " layers of width " + cfg.nEmbd(), "GPT-2");
        }
        return model;
    }
}
