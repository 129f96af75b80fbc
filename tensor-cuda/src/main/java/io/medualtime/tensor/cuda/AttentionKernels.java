package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.AttentionDims;

/**
 * Launchers of kernels/attention.ptx: GPT-2's self-attention core, a warp per (sample, head, query) row,
 * q, k and v read in place from qkv [B, T, 3C]. {@code queryRows}: 0 for every position, else the address
 * of an int32 table of each sample's one query token (the last block).
 */
final class AttentionKernels {
    private static final String PTX = "attention";

    private AttentionKernels() {}

    /** out = (softmax(scale q k^T + mask) * drop) v, the probabilities saved; mask and drop may be 0. */
    static void selfAttentionForward(long out, long probs, long qkv, long mask, boolean maskPerSample, long drop, AttentionDims d,
            long queryRows) {
        int q = queryRows == 0 ? d.tokens() : 1;
        Launch.gridStride(PTX, "attn_fwd", warps(d, q), qkv, mask, maskPerSample ? 1 : 0, drop, probs, out, d.batch(), d.heads(),
                d.tokens(), d.headDim(), d.scale(), q, queryRows);
    }

    /** Its backward into dqkv: dq by query rows, then dk and dv by key rows (attn_bwd_kv reads the ds attn_bwd_q leaves). */
    static void selfAttentionBackward(long dqkv, long ds, long qkv, long gout, long probs, long drop, AttentionDims d, long queryRows) {
        int q = queryRows == 0 ? d.tokens() : 1;
        Object[] args = {qkv, gout, probs, drop, ds, dqkv, d.batch(), d.heads(), d.tokens(), d.headDim(), d.scale(), q, queryRows};
        Launch.gridStride(PTX, "attn_bwd_q", warps(d, q), args);
        Launch.gridStride(PTX, "attn_bwd_kv", warps(d, d.tokens()), args);
    }

    /** A warp (32 threads) per (sample, head, query) row. */
    private static long warps(AttentionDims d, int queries) {
        return 32L * d.batch() * d.heads() * queries;
    }
}
