package io.medualtime.tensor.backend;

/**
 * GPT-2's causal self-attention core as one kernel forward and two backward, for a backend where every
 * primitive call costs a launch (CUDA: kernels/attention.ptx). Optional: ops/SelfAttention composes
 * the same computation from the other primitives on a backend without it. q, k and v are read in
 * place from qkv [B, T, 3C] (dense). Queries: every position (queryRows null, Q = T) or one per sample
 * (token queryRows[b], Q = 1). mask [B or 1, 1, Q, T] (a row per query: its perQuery flag is not read);
 * drop [B, H, Q, T] (0 or 1/(1-p)) or null; every other operand dense from element 0. dims.tokens() is T.
 */
public interface FusedSelfAttention {

    /** The longest sequence the kernels take (one thread walks a whole row). */
    int MAX_FUSED_TOKENS = 256;

    /** probs = softmax(scale q k^T + mask) [B, H, Q, T]; out [B, Q, C] = (probs * drop) v per head. */
    void selfAttentionForward(Storage out, Storage probs, Span qkv, AttentionMask mask, Storage drop, AttentionDims dims,
            int[] queryRows);

    /**
     * dqkv [B, T, 3C] from gout [B, Q, C] (dense): dq = ds k, dk = ds^T q,
     * dv = (probs * drop)^T gout per head, with ds = scale * softmax'(probs, (gout v^T) * drop) left in
     * {@code ds} [B, H, Q, T]. Every element is written, except, with queryRows, the q rows of the
     * tokens no sample queries (the caller zero-fills dqkv then).
     */
    void selfAttentionBackward(Storage dqkv, Storage ds, Span gout, Span qkv, Storage probs, Storage drop, AttentionDims dims,
            int[] queryRows);
}
