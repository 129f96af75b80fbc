package io.medualtime.tensor.cpu.kernels;

/** How much work one {@link io.medualtime.tensor.cpu.Parallel} task gets at least. */
final class Grains {
    private Grains() {}

    /** Elements per task of the elementwise kernels. */
    static final int ELEMENTS = 1 << 14;

    /** Rows per task of the row kernels: about 8192 elements. */
    static int rows(int cols) { return Math.max(1, 8192 / Math.max(cols, 1)); }
}
