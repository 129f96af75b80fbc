package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.ReduceOp;

/** Launchers of kernels/layernorm.ptx: layer norm over rows of {@code cols}, forward and backward. */
final class LayerNormKernels {
    private static final String PTX = "layernorm";

    private LayerNormKernels() {}

    /** out = (x - mean) * rstd * w + b per row; the statistics are written where {@code stats} has addresses; w, b may be 0. */
    static void layerNorm(long out, DeviceNormStats stats, long x, DeviceAffine wb, int rows, int cols, float eps) {
        Launch.rowBlocks(PTX, "layernorm_fwd", rows, out, stats.mean(), stats.invStd(), x, wb.weight(), wb.bias(), rows, cols, eps);
    }

    /**
     * dx (0: not wanted) and the weight / bias gradients (0 to skip; OVERWRITTEN) from dy and the saved
     * statistics; dw and db are deterministic: per-chunk partial sums, then a fixed-order sum over chunks.
     */
    static void layerNormBackward(long dx, DeviceAffine grads, long dy, long x, DeviceNormStats stats, long w, int rows, int cols) {
        if (rows <= 0 || cols <= 0) return;
        if (dx != 0) Launch.rowBlocks(PTX, "layernorm_bwd_dx", rows, dx, dy, x, stats.mean(), stats.invStd(), w, rows, cols);
        if (grads.weight() == 0 && grads.bias() == 0) return;
        int chunk = 32;
        int nChunks = (rows + chunk - 1) / chunk;
        while (nChunks > Launch.MAX_GRID_Y) { chunk *= 2; nChunks = (rows + chunk - 1) / chunk; }
        DeviceAllocator alloc = DeviceAllocator.get();
        DeviceBuffer pdw = alloc.allocate((long) nChunks * cols);
        DeviceBuffer pdb = grads.bias() != 0 ? alloc.allocate((long) nChunks * cols) : null;
        try {
            Launch.shaped(PTX, "layernorm_bwd_dwdb", LaunchShape.of((cols + Launch.BLOCK - 1) / Launch.BLOCK, nChunks, 1, Launch.BLOCK),
                    pdw, pdb, dy, x, stats.mean(), stats.invStd(), rows, cols, chunk);
            if (grads.weight() != 0) ReduceKernels.reduce(ReduceOp.SUM, grads.weight(), pdw.ptr(), 1, nChunks, cols);
            if (grads.bias() != 0) ReduceKernels.reduce(ReduceOp.SUM, grads.bias(), pdb.ptr(), 1, nChunks, cols);
        } finally {
            pdw.free();
            if (pdb != null) pdb.free();
        }
    }
}
