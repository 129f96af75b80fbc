package io.medualtime.tensor.cuda;

/** Launchers of kernels/conv.ptx: conv1d's windows (im2col) and their backward (col2im), padding {@code pad} each side. */
final class ConvKernels {
    private ConvKernels() {}

    /** cols[B, Cin*K, Lout] from in[B, Cin, L], Lout = L + 2*pad - K + 1. */
    static void im2col1d(long cols, long in, int b, int cin, int l, int k, int pad) {
        int lout = l + 2 * pad - k + 1;
        Launch.gridStride("conv", "im2col1d", (long) b * cin * k * lout, cols, in, b, cin, l, k, pad, lout);
    }

    /** dIn[B, Cin, L] (overwritten) from dCols[B, Cin*K, Lout]. */
    static void col2im1d(long dIn, long dCols, int b, int cin, int l, int k, int pad) {
        int lout = l + 2 * pad - k + 1;
        Launch.gridStride("conv", "col2im1d", (long) b * cin * l, dIn, dCols, b, cin, l, k, pad, lout);
    }
}
