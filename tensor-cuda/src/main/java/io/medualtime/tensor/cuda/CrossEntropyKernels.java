package io.medualtime.tensor.cuda;

/** Launchers of kernels/crossentropy.ptx: per-row cross-entropy of logits [rows, classes] and its backward. */
final class CrossEntropyKernels {
    private static final String PTX = "crossentropy";

    private CrossEntropyKernels() {}

    /** The class of each row: int32 targets at {@code address}, one per row; a row whose target is ignoreIndex is skipped. */
    record DeviceTargets(long address, int rows, int ignoreIndex) {}

    /** The gradient flowing in: gout[r * stride] * scale / count[0] per row; gout and count may be 0 (1). */
    record Upstream(long gout, int stride, long count, float scale) {}

    /** Per-row losses (0 for ignored rows) and the row log-sum-exp (lse may be 0). */
    static void crossEntropy(long loss, long lse, long logits, DeviceTargets t, int classes) {
        Launch.rowBlocks(PTX, "ce_fwd", t.rows(), loss, lse, logits, t.address(), t.rows(), classes, t.ignoreIndex());
    }

    /** count[0] = number of targets != ignoreIndex, as float (the divisor of a mean). */
    static void crossEntropyCount(long count, DeviceTargets t) {
        Launch.shaped(PTX, "ce_count", LaunchShape.linear(1, 1024), count, t.address(), t.rows(), t.ignoreIndex());
    }

    /** dlogits = (softmax - onehot) * the upstream gradient of the row. */
    static void crossEntropyBackward(long dlogits, long logits, long lse, DeviceTargets t, int classes, Upstream g) {
        Launch.gridStride(PTX, "ce_bwd", (long) t.rows() * classes, dlogits, logits, lse, t.address(), g.gout(), g.stride(), g.count(),
                g.scale(), t.rows(), classes, t.ignoreIndex());
    }
}
