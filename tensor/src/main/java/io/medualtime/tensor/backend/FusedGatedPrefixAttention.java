package io.medualtime.tensor.backend;

/**
 * The row-wise parts of gated prefix attention (ops/GatedPrefixAttention) in one kernel each, for a
 * backend where every primitive call costs a launch (CUDA: kernels/gated_prefix_attention.ptx). Optional:
 * ops/GatedPrefixAttention composes the same computation from the other primitives on a backend without
 * it. Shapes and formulas are in GatedPrefixAttention and gated_prefix_attention.ptx. ka and va [B or 1, H, K, hd] are read in place with the given
 * element strides (setStride per sample, 0 when the batch shares one token set; headStride;
 * tokStride; features dense); every other operand is dense, inputs at the given element offsets,
 * outputs from element 0; mask, dq and gpart may be null.
 */
public interface FusedGatedPrefixAttention {

    /**
     * probs = softmax(scale q ka^T), dropped = probs * mask, mixed = dropped va, out = tanh(gate) mixed; with a
     * base (may be null), out = base + tanh(gate) mixed, out and base token-major [B, T, heads, hd].
     */
    void gatedPrefixAttentionForward(Storage q, int qOff, Storage ka, int kaOff, Storage va, int vaOff, Storage gate, int gateOff,
                        Storage mask, Storage probs, Storage dropped, Storage mixed, Storage out, Storage base, int baseOff,
                        int b, int heads, int t, int k, int hd, int setStride, int headStride, int tokStride, float scale);

    /**
     * dmix = tanh(gate) gout; ds = softmax'(probs, (dmix va^T) * mask); dq = scale ds ka;
     * gpart[row] = gout . mixed. The token gradients are then GEMMs: dva = dropped^T dmix, dka = scale ds^T q.
     * tokens: gout and dq are token-major [B, T, heads, hd] (the gradient of a forward with a base).
     */
    void gatedPrefixAttentionBackward(Storage gout, int gOff, Storage ka, int kaOff, Storage va, int vaOff, Storage gate, int gateOff,
                         Storage mask, Storage probs, Storage mixed, Storage dq, Storage ds, Storage dmix, Storage gpart,
                         int b, int heads, int t, int k, int hd, int setStride, int headStride, int tokStride, float scale,
                         boolean tokens);

    /** dgate[h] = (1 - tanh^2 gate[h]) * the sum over b, t of gpart [B, H, T] (gatedPrefixAttentionBackward's partial sums). */
    void gatedPrefixAttentionGateGrad(Storage gpart, Storage gate, int gateOff, Storage dgate, int b, int heads, int t);
}
