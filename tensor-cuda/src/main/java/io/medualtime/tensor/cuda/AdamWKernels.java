package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.AdamWStep;

/** Launchers of kernels/adamw.ptx: the AdamW step of one tensor, or of every tensor of an optimizer step in one launch. */
final class AdamWKernels {
    private AdamWKernels() {}

    /** One AdamW step in place on param, m and v (n elements each) from grad. */
    static void adamw(long param, long grad, long m, long v, int n, AdamWStep s) {
        Launch.gridStride("adamw", "adamw", n, param, grad, m, v, n, s.lr(), s.beta1(), s.beta2(), s.eps(), s.weightDecay(), s.bias1(),
                s.bias2());
    }

    /**
     * The step of {@code count} tensors in one launch (adamw_multi): table holds, per tensor, the
     * addresses of param, grad, m, v and the element count (40 bytes each, see adamw.ptx); maxN is the largest count.
     */
    static void adamwMulti(long table, int count, int maxN, AdamWStep s) {
        if (count <= 0) return;
        if (count > Launch.MAX_GRID_Y)
            throw new IllegalArgumentException("adamw_multi takes at most " + Launch.MAX_GRID_Y + " tensors, got " + count);
        int perTensor = (int) Math.max(1, Math.min((maxN + Launch.BLOCK - 1L) / Launch.BLOCK, 64));
        Launch.shaped("adamw", "adamw_multi", LaunchShape.of(perTensor, count, 1, Launch.BLOCK), table, count, s.lr(), s.beta1(),
                s.beta2(), s.eps(), s.weightDecay(), s.bias1(), s.bias2());
    }
}
