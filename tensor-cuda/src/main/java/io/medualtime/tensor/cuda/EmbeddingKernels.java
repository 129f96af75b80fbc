package io.medualtime.tensor.cuda;

/** Launchers of kernels/embedding.ptx: gather rows of a table by int32 ids, and the scatter-add backward. */
final class EmbeddingKernels {
    private EmbeddingKernels() {}

    /** out[r, :] = w[ids[r], :] for r &lt; nIds, rows of d (an id &lt; 0 gives zeros). */
    static void embedding(long out, long w, long ids, int nIds, int d) {
        Launch.gridStride("embedding", "embedding_fwd", (long) nIds * d, out, w, ids, nIds, d);
    }

    /** dw[ids[r], :] += dout[r, :] (atomic adds: not bit-deterministic when ids repeat). */
    static void embeddingBackward(long dw, long dout, long ids, int nIds, int d) {
        Launch.gridStride("embedding", "embedding_bwd", (long) nIds * d, dw, dout, ids, nIds, d);
    }
}
