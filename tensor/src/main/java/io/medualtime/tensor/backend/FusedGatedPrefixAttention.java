package io.medualtime.tensor.backend;

/**
 * The row-wise parts of gated prefix attention (ops/GatedPrefixAttention) in one kernel each, for a
 * backend where every primitive call costs a launch (CUDA: kernels/gated_prefix_attention.ptx). Optional:
 * ops/GatedPrefixAttention composes the same computation from the other primitives on a backend without
 * it. Shapes and formulas are in GatedPrefixAttention and gated_prefix_attention.ptx. The {@link Tokens}
 * are read in place with their strides; every other operand is dense (a bare Storage from element 0);
 * mask, base, dq and gpart may be null. dims.tokens() is the number of queries T per sample and head.
 */
public interface FusedGatedPrefixAttention {

    /**
     * The K extra key/value tokens ka and va [B or 1, H, K, hd], read in place: {@code setStride}
     * elements per sample (0 when the batch shares one token set), {@code headStride} per head,
     * {@code tokStride} per token, features dense; keys and values share the strides.
     */
    record Tokens(Span keys, Span values, int count, int setStride, int headStride, int tokStride) {
        public Tokens {
            if (keys == null || values == null) throw new IllegalArgumentException("prefix tokens need keys and values");
            if (count < 0) throw new IllegalArgumentException("prefix token count must be >= 0, got " + count);
        }
    }

    /** What the forward keeps for the backward, [B, H, T, K] (probs, dropped) and [B, H, T, hd] (mixed). */
    record Saved(Storage probs, Storage dropped, Storage mixed) {}

    /** The backward's outputs: dq (may be null), ds [B, H, T, K], dmix [B, H, T, hd], gpart [B, H, T] (may be null). */
    record Grads(Storage dq, Storage ds, Storage dmix, Storage gpart) {}

    /**
     * probs = softmax(scale q ka^T), dropped = probs * mask, mixed = dropped va, out = tanh(gate) mixed; with a
     * base, out = base + tanh(gate) mixed, out and base token-major [B, T, heads, hd].
     */
    void gatedPrefixAttentionForward(Storage out, Saved saved, Span q, Tokens kv, Span gate, Storage mask, Span base,
            AttentionDims dims);

    /**
     * dmix = tanh(gate) gout; ds = softmax'(probs, (dmix va^T) * mask); dq = scale ds ka;
     * gpart[row] = gout . mixed. The token gradients are then GEMMs: dva = dropped^T dmix, dka = scale ds^T q.
     * tokens: gout and dq are token-major [B, T, heads, hd] (the gradient of a forward with a base).
     */
    void gatedPrefixAttentionBackward(Grads grads, Span gout, Tokens kv, Span gate, Storage mask, Saved saved, AttentionDims dims,
            boolean tokens);

    /** dgate[h] = (1 - tanh^2 gate[h]) * the sum over b, t of gpart [B, H, T] (gatedPrefixAttentionBackward's partial sums). */
    void gatedPrefixAttentionGateGrad(Storage dgate, Storage gpart, Span gate, int batch, int heads, int tokens);
}
