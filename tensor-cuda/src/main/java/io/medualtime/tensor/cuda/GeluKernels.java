package io.medualtime.tensor.cuda;

/** Launchers of kernels/gelu.ptx: GELU in its tanh form or, with {@code erf}, the exact form x Phi(x). */
final class GeluKernels {
    private GeluKernels() {}

    static void gelu(long out, long in, int n, boolean erf) {
        Launch.gridStride("gelu", erf ? "gelu_erf_fwd" : "gelu_fwd", n, out, in, n);
    }

    static void geluBackward(long dx, long x, long dy, int n, boolean erf) {
        Launch.gridStride("gelu", erf ? "gelu_erf_bwd" : "gelu_bwd", n, dx, x, dy, n);
    }
}
