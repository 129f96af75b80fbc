package io.medualtime.tensor.ops;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.AttentionDims;
import io.medualtime.tensor.backend.AttentionMask;
import io.medualtime.tensor.backend.FusedSelfAttention;

/**
 * GPT-2's causal self-attention core as one autograd node, on a backend with {@link FusedSelfAttention}
 * (CUDA: kernels/attention.ptx, one kernel forward and two backward):
 *
 * <pre>
 *   out[b, t, h*D + d] = (dropout(softmax(scale * q k^T + mask)) v)[b, h, t, d]
 * </pre>
 *
 * with q, k and v the three thirds of qkv [B, T, 3C] (c_attn's output), split into H heads of D
 * features, and mask [B or 1, 1, T, T] additive (causal and padding) - or only one query per sample
 * (GPT-2's last block when the caller reads one position: out [B, 1, C], mask [B or 1, 1, 1, T]). Elsewhere - the CPU, where the
 * GEMMs are the fast path, or sequences longer than the kernels take - Gpt2.Attention.attend composes
 * the same from per-head copies, two batched products and {@link Softmax#scaledMasked}; {@link #fuses}
 * says which applies. The dropout mask is the one {@link Dropout#dropout} draws over the probabilities
 * [B, H, T, T] with the same seed, so both ways give the same result.
 *
 * <p>Backward, with P = softmax(S), Pd = P * drop, O = Pd v: dv = Pd^T dO; dPd = dO v^T;
 * dS = scale * softmax'(P, dPd * drop); dq = dS k; dk = dS^T q, written straight into dqkv [B, T, 3C].
 */
public final class SelfAttention {
    private SelfAttention() {}

    /**
     * Whether {@link #apply} runs here: a backend with the fused kernels, a short enough sequence, and a
     * mask [B or 1, 1, Q, T] for Q = T queries, or Q = 1 with queryRows (one token per sample).
     */
    public static boolean fuses(Tensor qkv, Tensor mask, int[] queryRows) {
        if (!(qkv.backend() instanceof FusedSelfAttention) || qkv.dim() != 3 || qkv.size(2) % 3 != 0) return false;
        int b = qkv.size(0), t = qkv.size(1), q = queryRows == null ? t : 1;
        int[] m = mask.shape();
        return t <= FusedSelfAttention.MAX_FUSED_TOKENS && mask.device() == qkv.device() && !mask.requiresGrad()
                && (queryRows == null || queryRows.length == b)
                && m.length == 4 && (m[0] == 1 || m[0] == b) && m[1] == 1 && m[2] == q && m[3] == t;
    }

    /**
     * @param queryRows null: every position queries (out [B, T, C]); else the one token each sample
     *                  queries (out [B, 1, C]), e.g. GPT-2's last block when only one position is read
     * @param dropoutP  attention dropout on the probabilities (0 disables it)
     * @param seed      the dropout mask's seed (counter-based: the mask {@code F.dropout} would draw)
     */
    public static Tensor apply(Tensor qkv, int heads, Tensor mask, int[] queryRows, float scale, float dropoutP, long seed) {
        if (!fuses(qkv, mask, queryRows))
            throw new IllegalArgumentException("self-attention needs a backend with fused attention, qkv [B, T, 3C] with T <= "
                    + FusedSelfAttention.MAX_FUSED_TOKENS
                    + ", a mask [B or 1, 1, T (or 1 with query rows), T] and one query row per sample; got qkv "
                    + java.util.Arrays.toString(qkv.shape()) + ", mask " + java.util.Arrays.toString(mask.shape())
                    + (queryRows == null ? "" : ", " + queryRows.length + " query rows"));
        if (dropoutP < 0 || dropoutP >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + dropoutP);
        int b = qkv.size(0), t = qkv.size(1), c = qkv.size(2) / 3, q = queryRows == null ? t : 1;
        if (heads < 1 || c % heads != 0) throw new IllegalArgumentException(heads + " heads do not divide a width of " + c);
        if (queryRows != null)
            for (int r : queryRows)
                if (r < 0 || r >= t) throw new IllegalArgumentException("query row " + r + " outside a sequence of " + t);
        int d = c / heads;
        int[] rows = queryRows == null ? null : queryRows.clone();
        FusedSelfAttention fused = (FusedSelfAttention) qkv.backend();
        Tensor x = qkv.detach().contiguous(), m = mask.contiguous();     // x: the node below is the only edge to qkv
        Tensor drop = null;
        if (dropoutP > 0) {
            drop = Tensor.empty(qkv.device(), b, heads, q, t);
            qkv.backend().dropoutMask(drop.storage(), drop.numel(), dropoutP, seed);
        }
        Tensor probs = Tensor.empty(qkv.device(), b, heads, q, t), out = Tensor.empty(qkv.device(), b, q, c);
        AttentionDims dims = new AttentionDims(b, heads, t, d, scale);
        fused.selfAttentionForward(out.storage(), probs.storage(), x.span(), new AttentionMask(m.span(), m.size(0) != 1, true),
                drop == null ? null : drop.storage(), dims, rows);
        Tensor dropF = drop;
        return Autograd.record(out, "self_attention", new Tensor[]{qkv}, g -> {
            Tensor gc = g.contiguous();
            Tensor ds = Tensor.empty(qkv.device(), b, heads, q, t);
            // with query rows, the q rows of the other tokens get no gradient: zeros
            Tensor dqkv = rows == null ? Tensor.empty(qkv.device(), b, t, 3 * c) : Tensor.zeros(qkv.device(), b, t, 3 * c);
            fused.selfAttentionBackward(dqkv.storage(), ds.storage(), gc.span(), x.span(), probs.storage(),
                    dropF == null ? null : dropF.storage(), dims, rows);
            return new Tensor[]{dqkv};
        });
    }
}
