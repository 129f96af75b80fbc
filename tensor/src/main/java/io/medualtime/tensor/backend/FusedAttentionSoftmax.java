package io.medualtime.tensor.backend;

/**
 * Attention's softmax(scale * scores + mask) as one kernel each way, for a backend where each
 * primitive call is a launch (CUDA: softmax.ptx softmax_attn_fwd, softmax_bwd with a scale).
 * Optional: ops/Softmax.scaledMasked composes scale, mask and softmax elsewhere.
 */
public interface FusedAttentionSoftmax {

    /**
     * probs = softmax(scale * scores + mask) over rows of {@code cols}; scores [B, H, queries, cols]
     * dense at {@code sOff} (row r: sample r / rowsPerSample, query r % queries); mask [B or 1, 1,
     * queries or 1, cols] dense at {@code mOff}; probs dense from 0.
     */
    void attentionSoftmax(Storage scores, int sOff, float scale, Storage mask, int mOff, boolean maskPerSample,
                          boolean maskPerQuery, Storage probs, int rows, int cols, int rowsPerSample, int queries);

    /** gScores = scale * probs * (g - sum(g * probs)) per row; g dense at {@code gOff}, the rest from 0. */
    void attentionSoftmaxBackward(Storage probs, Storage g, int gOff, float scale, Storage gScores, int rows, int cols);
}
