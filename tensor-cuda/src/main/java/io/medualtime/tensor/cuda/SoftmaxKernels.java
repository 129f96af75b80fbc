package io.medualtime.tensor.cuda;

/** Launchers of kernels/softmax.ptx: softmax and log-softmax per row, and attention's scaled, masked softmax. */
final class SoftmaxKernels {
    private static final String PTX = "softmax";

    private SoftmaxKernels() {}

    /** out[r, :] = (log)softmax(in[r, :]) for rows of {@code cols}. */
    static void softmax(long out, long in, int rows, int cols, boolean log) {
        Launch.rowBlocks(PTX, "softmax_fwd", rows, out, in, rows, cols, log);
    }

    /** dx from the forward output y and dy, times {@code scale} (1, or the backward of softmax(scale * x + ...)). */
    static void softmaxBackward(long dx, long y, long dy, int rows, int cols, boolean log, float scale) {
        Launch.rowBlocks(PTX, "softmax_bwd", rows, dx, y, dy, rows, cols, log, scale);
    }

    /**
     * The rows of an attention softmax: {@code rows} of {@code cols} keys, {@code rowsPerSample} rows per
     * sample (heads x queries), {@code queries} query rows per head.
     */
    record AttentionRows(int rows, int cols, int rowsPerSample, int queries) {}

    /**
     * Attention's softmax(scale * scores + mask) (softmax_attn_fwd); mask (0: none) per sample or shared,
     * per query row or one row for all.
     */
    static void attentionSoftmax(long out, long in, long mask, boolean maskPerSample, boolean maskPerQuery, AttentionRows r,
            float scale) {
        Launch.rowBlocks(PTX, "softmax_attn_fwd", r.rows(), out, in, mask, r.rows(), r.cols(), scale, r.rowsPerSample(), r.queries(),
                maskPerSample ? 1 : 0, maskPerQuery ? 1 : 0);
    }
}
