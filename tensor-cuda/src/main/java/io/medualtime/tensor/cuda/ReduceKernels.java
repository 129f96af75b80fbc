package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.ReduceOp;

/** Launchers of kernels/reduce.ptx: deterministic reductions (op codes: {@link ReduceOp#code}). */
final class ReduceKernels {
    private ReduceKernels() {}

    /** out[outer, inner] = op over the middle axis of in[outer, dim, inner], in a fixed order. */
    static void reduce(ReduceOp op, long out, long in, int outer, int dim, int inner) {
        if (outer <= 0 || inner <= 0) return;
        if (inner == 1) Launch.rowBlocks("reduce", "reduce_rows", outer, op.code, out, in, outer, dim);
        else Launch.gridStride("reduce", "reduce_cols", (long) outer * inner, op.code, out, in, outer, dim, inner);
    }
}
