package io.medualtime.tensor.backend;

/**
 * GPT-2's causal self-attention core as one kernel forward and two backward, for a backend where every
 * primitive call costs a launch (CUDA: kernels/attention.ptx). Optional: ops/SelfAttention composes
 * the same computation from the other primitives on a backend without it. q, k and v are read in
 * place from qkv [B, T, 3C] (dense, at {@code qkvOff}); mask [B or 1, 1, T, T] dense at {@code mOff};
 * drop [B, H, T, T] (0 or 1/(1-p)) or null; every other operand dense from element 0.
 */
public interface FusedSelfAttention {

    /** The longest sequence the kernels take (one thread walks a whole row). */
    int MAX_FUSED_TOKENS = 256;

    /** probs = softmax(scale q k^T + mask) [B, H, T, T]; out [B, T, C] = (probs * drop) v per head. */
    void selfAttentionForward(Storage qkv, int qkvOff, Storage mask, int mOff, boolean maskPerSample, Storage drop,
                              Storage probs, Storage out, int b, int heads, int t, int headDim, float scale);

    /**
     * dqkv [B, T, 3C] (every element written) from gout [B, T, C] (dense at {@code gOff}): dq = ds k,
     * dk = ds^T q, dv = (probs * drop)^T gout per head, with ds = scale * softmax'(probs, (gout v^T) * drop)
     * left in {@code ds} [B, H, T, T].
     */
    void selfAttentionBackward(Storage qkv, int qkvOff, Storage gout, int gOff, Storage probs, Storage drop,
                               Storage ds, Storage dqkv, int b, int heads, int t, int headDim, float scale);
}
