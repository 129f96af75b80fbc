package io.medualtime.tensor.backend;

/**
 * Attention's softmax(scale * scores + mask) as one kernel each way, for a backend where each
 * primitive call is a launch (CUDA: softmax.ptx softmax_attn_fwd, softmax_bwd with a scale).
 * Optional: ops/Softmax.scaledMasked composes scale, mask and softmax elsewhere.
 */
public interface FusedAttentionSoftmax {

    /**
     * probs = softmax(scale * scores + mask) over rows of {@code cols}; scores [B, H, queries, cols]
     * dense (row r: sample r / rowsPerSample, query r % queries); probs dense from 0.
     */
    void attentionSoftmax(Storage probs, Span scores, AttentionMask mask, int rows, int cols, int rowsPerSample, int queries,
            float scale);

    /** gScores = scale * probs * (g - sum(g * probs)) per row; probs and gScores dense from 0. */
    void attentionSoftmaxBackward(Storage gScores, Storage probs, Span g, int rows, int cols, float scale);
}
