package io.medualtime.nn;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsReader;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Fills every parameter and buffer of a module from a safetensors checkpoint, strictly: a missing
 * tensor, a shape that disagrees with the module (built from config.json), or a tensor left over
 * is an error naming the file and the tensor. Weights are wrapped, not copied a second time.
 */
public final class StateDictLoader {
    private StateDictLoader() {}

    /**
     * @param fileKeys  the module's own key -> the key in the file (after prefix stripping and
     *                  dropping of ignored entries); entries are consumed
     * @param keyPrefix the prefix the file's keys carry (for the "missing" message; "" if none)
     * @param describe  what config.json describes, for the "missing" message (e.g. "12 layers of width 768")
     * @param modelName for the "unexpected tensors" message
     */
    public static void load(Module model, SafetensorsReader st, Map<String, String> fileKeys, String keyPrefix, String describe,
                            String modelName)
            throws IOException {
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            String key = fileKeys.remove(e.getKey());
            if (key == null)
                throw new ConfigException(st.describe() + ": tensor '" + keyPrefix + e.getKey() + "' is missing (config.json describes " + describe + ")");
            int[] shape = st.info(key).intShape();
            if (!Arrays.equals(shape, e.getValue().shape()))
                throw new ConfigException(st.describe() + ": tensor '" + key + "' has shape " + Arrays.toString(shape)
                        + " but config.json implies " + Arrays.toString(e.getValue().shape()));
            e.getValue().setData(Tensor.wrap(st.readFloat(key), shape));
        }
        if (!fileKeys.isEmpty())
            throw new ConfigException(st.describe() + ": unexpected tensors " + fileKeys.values() + " (not part of " + modelName + " with this config)");
    }
}
