package io.medualtime.nn.gpt2;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsReader;
import io.medualtime.tensor.io.ShardedSafetensors;
import io.medualtime.tensor.io.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                String key = byShortName.remove(e.getKey());
                if (key == null) throw new ConfigException(st.describe() + ": tensor '" + e.getKey() + "' is missing (config.json describes "
                        + cfg.nLayer() + " layers of width " + cfg.nEmbd() + ")");
                TensorInfo info = st.info(key);
                int[] shape = info.intShape();
                if (!Arrays.equals(shape, e.getValue().shape()))
                    throw new ConfigException(st.describe() + ": tensor '" + key + "' has shape " + Arrays.toString(shape)
                            + " but config.json implies " + Arrays.toString(e.getValue().shape()));
                e.getValue().setData(Tensor.wrap(st.readFloat(key), shape)); // no second copy of the weights
            }
            if (!byShortName.isEmpty())
                throw new ConfigException(st.describe() + ": unexpected tensors " + byShortName.values() + " (not part of GPT-2 with this config)");
        }
        return model;
    }
}
