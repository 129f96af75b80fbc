package io.medualtime.tensor.io;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  tensor name
 * @param dtype element type
 * @param shape dimensions (a copy; empty for a scalar)
 * @param numel number of elements (product of shape; 1 for a scalar)
 * @param begin byte offset of the first byte, relative to the start of the data region (after the header)
 * @param end   byte offset one past the last byte, relative to the start of the data region
 */
public record TensorInfo(String name, DType dtype, long[] shape, long numel, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override public long[] shape() {
        return shape.clone();
    }

    /** Number of bytes of the tensor's data. */
    public long byteSize() {
        return end - begin;
    }

    /** Shape as int[]; throws if a dimension does not fit an int. */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException("tensor '" + name + "': dimension " + i + " = " + shape[i] + " does not fit an int");
            }
            s[i] = (int) shape[i];
        }
        return s;
    }

    @Override public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && numel == t.numel && begin == t.begin && end == t.end;
    }

    @Override public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override public String toString() {
        return name + "{" + dtype + " " + Arrays.toString(shape) + " bytes [" + begin + ", " + end + ")}";
    }
}
