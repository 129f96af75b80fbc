package io.medualtime.tensor.cuda;

/** Launchers of kernels/dropout.ptx: dropout and uniforms from the counter RNG {@link io.medualtime.tensor.CounterRng}. */
final class DropoutKernels {
    private DropoutKernels() {}

    /**
     * Element i is kept when uniform(seed, offset + i) &gt;= p: out = keep ? in * scale : 0, and mask
     * (0: not written) = keep ? scale : 0.
     */
    static void dropout(long out, long mask, long in, int n, float p, float scale, long seed, long offset) {
        Launch.gridStride("dropout", "dropout_fwd", n, out, mask, in, n, p, scale, seed, offset);
    }

    /** out[i] = CounterRng.uniform(seed, offset + i). */
    static void rngUniform(long out, int n, long seed, long offset) {
        Launch.gridStride("dropout", "rng_uniform", n, out, n, seed, offset);
    }
}
