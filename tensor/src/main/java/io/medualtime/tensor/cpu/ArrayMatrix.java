package io.medualtime.tensor.cpu;

import java.nio.FloatBuffer;

/**
 * One operand of {@link Sgemm}, row-major: its floats in an array or (the other null) a read-only
 * {@link FloatBuffer} (a memory-mapped weight), the index of its first element, its leading dimension
 * (floats from one stored row to the next) and, in a batch, the floats from one matrix to the next
 * (0: every product reuses this matrix).
 */
public record ArrayMatrix(float[] array, FloatBuffer buffer, int offset, int ld, int stride) {
    /** A matrix in an array. */
    public static ArrayMatrix of(float[] array, int offset, int ld) {
        return new ArrayMatrix(array, null, offset, ld, 0);
    }

    /** A batch of matrices in an array, {@code stride} floats apart. */
    public static ArrayMatrix batched(float[] array, int offset, int ld, int stride) {
        return new ArrayMatrix(array, null, offset, ld, stride);
    }

    /** A batch of matrices in a buffer, {@code stride} floats apart. */
    public static ArrayMatrix mapped(FloatBuffer buffer, int offset, int ld, int stride) {
        return new ArrayMatrix(null, buffer, offset, ld, stride);
    }

    /** The same storage from {@code delta} floats further on. */
    ArrayMatrix at(int delta) {
        return new ArrayMatrix(array, buffer, offset + delta, ld, stride);
    }

    /** ArrayMatrix {@code i} of the batch. */
    ArrayMatrix item(int i) { return at(i * stride); }
}
