package io.medualtime.nn;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.MappedStorage;
import io.medualtime.tensor.io.SafetensorsReader;

import java.io.IOException;
import java.nio.FloatBuffer;
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
        load(model, st, fileKeys, keyPrefix, describe, modelName, NEVER_MAP);
    }

    /** For {@code mapMinBytes}: copy every tensor to the heap. */
    public static final long NEVER_MAP = Long.MAX_VALUE;

    /**
     * As above; F32 matrices of at least {@code mapMinBytes} bytes are not copied but left in the
     * memory-mapped file as read-only storage ({@link Tensor#mapped}), which keeps them off the
     * heap. Such weights can only be read (forward, and backward to the inputs): the caller must
     * freeze the model, and training them fails with a clear error.
     */
    public static void load(Module model, SafetensorsReader st, Map<String, String> fileKeys, String keyPrefix, String describe,
                            String modelName, long mapMinBytes)
            throws IOException {
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            String key = fileKeys.remove(e.getKey());
            if (key == null)
                throw new ConfigException(st.describe() + ": tensor '" + keyPrefix + e.getKey() + "' is missing (config.json describes " + describe + ")");
            int[] shape = st.info(key).intShape();
            if (!Arrays.equals(shape, e.getValue().shape()))
                throw new ConfigException(st.describe() + ": tensor '" + key + "' has shape " + Arrays.toString(shape)
                        + " but config.json implies " + Arrays.toString(e.getValue().shape()));
            // matrices only (what matmul and embedding lookup read); null: not F32 or too big to map
            FloatBuffer mapped = shape.length >= 2 && st.info(key).byteSize() >= mapMinBytes ? st.mapF32(key) : null;
            e.getValue().setData(mapped != null ? Tensor.mapped(new MappedStorage(mapped), shape) : Tensor.wrap(st.readFloat(key), shape));
        }
        if (!fileKeys.isEmpty())
            throw new ConfigException(st.describe() + ": unexpected tensors " + fileKeys.values() + " (not part of " + modelName + " with this config)");
    }
}
