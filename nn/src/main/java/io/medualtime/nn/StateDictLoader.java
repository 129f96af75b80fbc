package io.medualtime.nn;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.MappedStorage;
import io.medualtime.tensor.io.FileStamp;
import io.medualtime.tensor.io.FiniteCheck;
import io.medualtime.tensor.io.SafetensorsException;
import io.medualtime.tensor.io.SafetensorsReader;
import io.medualtime.tensor.io.TensorInfo;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Fills every parameter and buffer of a module from a safetensors checkpoint, strictly and in
 * this order, so that a bad file costs neither memory nor time:
 * <ol>
 * <li>the header alone is compared with what the model needs: a missing tensor, a shape that
 *     disagrees with config.json, a non-float dtype or a tensor left over is an error naming the
 *     file and the tensor, before any data is read (a file with an extra 6 GB tensor is refused
 *     at once);</li>
 * <li>the heap the weights will take is compared with the JVM's maximum heap;</li>
 * <li>the model is built and each tensor read (wrapped, not copied a second time) and checked
 *     for NaN and infinities, naming the tensor;</li>
 * <li>the files are checked not to have changed while they were read.</li>
 * </ol>
 */
public final class StateDictLoader {
    private StateDictLoader() {}

    /** For {@code mapMinBytes}: copy every tensor to the heap. */
    public static final long NEVER_MAP = Long.MAX_VALUE;
    /** Largest tensor that stays mapped (SafetensorsReader.mapF32 maps up to 1 GiB at once). */
    private static final long MAX_MAPPED_BYTES = 1L << 30;

    /**
     * How a model's own keys appear in a file.
     *
     * @param fileKeys  the module's own key -> the key in the file (after prefix stripping and
     *                  dropping of ignored entries)
     * @param keyPrefix the prefix the file's keys carry (for the "missing" message; "" if none)
     * @param describe  what config.json describes, for the "missing" message (e.g. "12 layers of width 768")
     * @param modelName for messages (e.g. "GPT-2")
     */
    public record Keys(Map<String, String> fileKeys, String keyPrefix, String describe, String modelName) {
        public Keys {
            fileKeys = Map.copyOf(fileKeys);
        }
    }

    /**
     * Checks the header against {@code expected} (the model's key -> shape, from its config),
     * checks the heap, and only then builds the model and loads it (see the class comment).
     * F32 matrices of at least {@code mapMinBytes} bytes stay in the memory-mapped file (see
     * {@link #load}); {@link #NEVER_MAP} copies everything.
     */
    public static <M extends Module> M buildAndLoad(Map<String, int[]> expected, Supplier<M> build, SafetensorsReader st, Keys keys,
            long mapMinBytes) throws IOException {
        requireHeap(checkHeader(expected, st, keys, mapMinBytes), Runtime.getRuntime().maxMemory(), st.describe(), keys.modelName());
        M model = build.get();
        load(model, st, keys, mapMinBytes);
        return model;
    }

    /**
     * Fills an existing model: header check against the model's own shapes, then the data, checked
     * finite. F32 matrices of at least {@code mapMinBytes} bytes are not copied but left in the
     * memory-mapped file as read-only storage ({@link Tensor#mapped}), which keeps them off the
     * heap. Such weights can only be read (forward, and backward to the inputs): the caller must
     * freeze the model, and training them fails with a clear error.
     */
    public static void load(Module model, SafetensorsReader st, Keys keys, long mapMinBytes) throws IOException {
        Map<String, int[]> own = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> own.put(k, t.shape()));
        checkHeader(own, st, keys, mapMinBytes);
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            String key = keys.fileKeys().get(e.getKey());
            TensorInfo info = st.info(key);
            int[] shape = e.getValue().shape();
            // matrices only (what matmul and embedding lookup read); null: not F32 or too big to map
            FloatBuffer mapped = shape.length >= 2 && info.byteSize() >= mapMinBytes ? st.mapF32(key) : null;
            Tensor value = mapped != null ? Tensor.mapped(new MappedStorage(mapped), shape) : Tensor.wrap(st.readFloat(key), shape);
            try {
                FiniteCheck.requireFinite(st.describe() + ": tensor '" + key + "'", value);
            } catch (IllegalArgumentException bad) {
                throw new SafetensorsException(bad.getMessage() + " (corrupt weights, or saved from a diverged run)");
            }
            e.getValue().setData(value);
        }
        FileStamp.verifyAll(st.files());   // nothing rewrote the files while they were read
    }

    /**
     * The header-only check: every expected tensor is in the file under its key with the expected
     * shape and a floating-point dtype, and the file holds nothing else. Reads no tensor data.
     * Returns the heap bytes loading will take (tensors that will not stay mapped, as float32).
     */
    public static long checkHeader(Map<String, int[]> expected, SafetensorsReader st, Keys keys, long mapMinBytes) throws IOException {
        long heapBytes = 0;
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String key = keys.fileKeys().get(e.getKey());
            if (key == null)
                throw new ConfigException(
                        st.describe() + ": tensor '" + keys.keyPrefix() + e.getKey() + "' is missing (config.json describes "
                                + keys.describe() + ")");
            used.add(e.getKey());
            TensorInfo info = st.info(key);
            int[] shape = e.getValue();
            if (!sameShape(info.shape(), shape))
                throw new ConfigException(st.describe() + ": tensor '" + key + "' has shape " + Arrays.toString(info.shape())
                        + " but config.json implies " + Arrays.toString(shape));
            if (!info.dtype().isFloatingPoint())
                throw new ConfigException(st.describe() + ": tensor '" + key + "' has dtype " + info.dtype()
                        + "; weights must be F32, F16, BF16 or F64");
            boolean staysMapped = info.dtype() == io.medualtime.tensor.io.DType.F32 && shape.length >= 2
                    && info.byteSize() >= mapMinBytes && info.byteSize() <= MAX_MAPPED_BYTES;
            if (!staysMapped) heapBytes += info.numel() * Float.BYTES;
        }
        if (used.size() != keys.fileKeys().size()) {
            Set<String> extra = new java.util.TreeSet<>();
            keys.fileKeys().forEach((own, file) -> { if (!used.contains(own)) extra.add(file); });
            throw new ConfigException(
                    st.describe() + ": unexpected tensors " + extra + " (not part of " + keys.modelName() + " with this config)");
        }
        return heapBytes;
    }

    private static boolean sameShape(long[] file, int[] model) {
        if (file.length != model.length) return false;
        for (int i = 0; i < file.length; i++) if (file[i] != model[i]) return false;
        return true;
    }

    /**
     * Refuses, in one line saying how to raise the heap, to load {@code bytes} of weights into a JVM
     * whose maximum heap is smaller ({@code maxHeap}: {@code Runtime.maxMemory()}).
     */
    static void requireHeap(long bytes, long maxHeap, String source, String modelName) throws ConfigException {
        if (bytes <= maxHeap) return;
        long suggestGiB = (long) Math.ceil(bytes * 1.5 / (1L << 30)) + 1;   // weights + room for activations and the rest
        throw new ConfigException(String.format(Locale.ROOT, "%s: the %s weights need %.1f GB of heap but the JVM may use at most %.1f GB; "
                + "raise the limit, e.g. MEDUALTIME_JAVA_OPTS=-Xmx%dg bin/medualtime ... (java -Xmx%dg)",
                source, modelName, bytes / 1e9, maxHeap / 1e9, suggestGiB, suggestGiB));
    }
}
