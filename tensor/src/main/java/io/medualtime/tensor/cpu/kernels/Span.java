package io.medualtime.tensor.cpu.kernels;

/**
 * One operand of a CPU kernel: a float array and the index its data starts at (a tensor's storage
 * and offset). Kernels read or write the elements they need from there on.
 */
public record Span(float[] array, int offset) {
    /** The whole array from index 0. */
    public static Span of(float[] array) { return new Span(array, 0); }

    /** The same array, starting {@code delta} elements later. */
    public Span at(int delta) { return new Span(array, offset + delta); }
}
