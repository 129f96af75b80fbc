package io.medualtime.tensor.io;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read access to named tensors, implemented by a single {@link SafetensorsFile} and by
 * {@link ShardedSafetensors}. Conversions follow PyTorch's {@code tensor.float()} / {@code .int()}.
 */
public interface SafetensorsReader extends AutoCloseable {

    /** The {@code __metadata__} string map (empty if absent). */
    Map<String, String> metadata();

    /** Tensor names in header (or weight_map) order. */
    Set<String> names();

    /** True if a tensor of this name exists. */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /** Header entry of a tensor; throws if the name is unknown. */
    TensorInfo info(String name) throws SafetensorsException;

    /** Whole tensor as float32 (F32, F16, BF16, F64). */
    default float[] readFloat(String name) throws SafetensorsException {
        TensorInfo ti = info(name);
        if (ti.numel() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(describe() + ": tensor '" + name + "' has " + ti.numel()
                    + " elements, more than a Java array holds; use readFloat(name, elementOffset, dst, dstOffset, count)");
        }
        float[] out = new float[(int) ti.numel()];
        readFloat(name, 0, out, 0, out.length);
        return out;
    }

    /** Whole tensor as float32 into {@code dst[dstOffset ...]}. */
    default void readFloat(String name, float[] dst, int dstOffset) throws SafetensorsException {
        TensorInfo ti = info(name);
        if (dstOffset < 0 || ti.numel() > (long) dst.length - dstOffset) {
            throw new SafetensorsException(describe() + ": tensor '" + name + "' has " + ti.numel()
                    + " elements, which do not fit dst (length " + dst.length + ") at offset " + dstOffset);
        }
        readFloat(name, 0, dst, dstOffset, (int) ti.numel());
    }

    /** Elements {@code [elementOffset, elementOffset + count)} of the flattened tensor as float32. */
    void readFloat(String name, long elementOffset, float[] dst, int dstOffset, int count) throws SafetensorsException;

    /**
     * A read-only little-endian view of an F32 tensor's bytes in the mapped file, with no copy;
     * null when the tensor is not F32 or does not fit one mapping (callers then copy with
     * {@link #readFloat}). The view stays valid after this reader is closed, until it is collected.
     */
    default FloatBuffer mapF32(String name) throws SafetensorsException { return null; }

    /** Whole tensor as int32 (I32; I64 with a range check; I16, I8, U8, BOOL widened). */
    int[] readInt(String name) throws SafetensorsException;

    /**
     * The files read, each as it was when opened: {@link FileStamp#verifyAll} tells whether one has
     * been rewritten since (for weights that stay memory-mapped).
     */
    List<FileStamp> files();

    /** A short description (the file or folder) used in error messages. */
    String describe();

    @Override void close() throws IOException;
}
