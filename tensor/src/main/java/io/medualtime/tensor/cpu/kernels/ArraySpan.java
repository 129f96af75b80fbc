package io.medualtime.tensor.cpu.kernels;

/**
 * One operand of a CPU kernel: a float array and the index its data starts at (a tensor's storage
 * and offset). Kernels read or write the elements they need from there on.
 */
public record ArraySpan(float[] array, int offset) {
    /** The whole array from index 0. */
    public static ArraySpan of(float[] array) { return new ArraySpan(array, 0); }

    /** The same array, starting {@code delta} elements later. */
    public ArraySpan at(int delta) {
        return new ArraySpan(array, offset + delta);
    }
}
