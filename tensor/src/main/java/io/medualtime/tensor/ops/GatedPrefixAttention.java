package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.AttentionDims;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.FusedGatedPrefixAttention;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.UnaryOp;

/**
 * Gated prefix attention, as one autograd node: every query also attends to K extra key/value
 * tokens through a softmax of their own, and that term is scaled by tanh of a per-head gate
 *
 * <pre>
 *   out = tanh(gate)[h] * dropout(softmax(Q Ka^T / sqrt(hd))) Va
 * </pre>
 *
 * with q [B, H, T, hd], ka and va (the added tokens' keys and values) [B, H, K, hd] (per-sample
 * tokens) or [1, H, K, hd] (shared by the batch), gate with H elements (any shape, e.g. [1, H, 1, 1]).
 * No mask: every position sees all K tokens. Unlike prefix tuning, the K tokens are not joined to the
 * sequence's own softmax, so a zero gate leaves the attention it is added to exactly unchanged
 * (the zero-initialised attention of LLaMA-Adapter, Zhang et al. 2023).
 *
 * <p>Forward and backward are written against {@link Backend} primitives only (batched GEMM, softmax
 * and its backward, dropout mask, elementwise, reduce), so any backend runs it, and the backward saves
 * only what it needs: the softmax output, the dropout mask and the ungated output (for the gate's
 * gradient). A backend that implements {@link FusedGatedPrefixAttention} (CUDA, where each primitive
 * is a kernel launch; kernels/gated_prefix_attention.ptx) runs the row-wise parts as one kernel each
 * way instead; the products over all rows stay GEMMs.
 *
 * <p>Backward, with S = Q Ka^T * s, P = softmax(S), Pd = P * mask, O = Pd Va, out = tanh(g) O:
 * dg = (1 - tanh^2 g) sum(dout * O); dO = tanh(g) dout; dVa = Pd^T dO; dPd = dO Va^T;
 * dS = softmax'(P, dPd * mask); dQ = s dS Ka; dKa = s dS^T Q. A zero gate therefore gives exactly
 * zero gradients to q, ka and va (dO is exactly 0).
 */
public final class GatedPrefixAttention {
    private GatedPrefixAttention() {}

    /**
     * Whether the backend holding {@code t} runs this op's row-wise parts as fused kernels: a backend
     * where each call costs a launch, so a caller may trade FLOPs for fewer calls around it.
     */
    public static boolean fuses(Tensor t) { return t.backend() instanceof FusedGatedPrefixAttention; }

    /**
     * @param dropoutP attention dropout on the added tokens' softmax (0 disables it)
     * @param seed     the dropout mask's seed (counter-based: the same mask on every backend)
     */
    public static Tensor apply(Tensor q, Tensor ka, Tensor va, Tensor gate, float dropoutP, long seed) {
        return apply(q, ka, va, gate, dropoutP, seed, null);
    }

    /**
     * The same term added to {@code base} [B, T, H, hd] (token-major: GPT-2's attention output before its
     * heads are merged): base + term^T (1, 2), [B, T, H, hd]. With the fused kernels the sum is written by
     * the forward kernel and the backward reads its gradient in that layout (no add, no transposing copy).
     */
    public static Tensor apply(Tensor q, Tensor ka, Tensor va, Tensor gate, float dropoutP, long seed, Tensor base) {
        Layout l = Layout.of(q, ka, va, gate);
        if (base != null && !java.util.Arrays.equals(base.shape(), new int[]{l.b, l.t, l.h, l.hd}))
            throw new IllegalArgumentException("gated prefix attention's base must be [B, T, H, hd] = " + java.util.Arrays.toString(
                    new int[]{l.b, l.t, l.h, l.hd}) + ", got " + java.util.Arrays.toString(base.shape()));
        if (dropoutP < 0 || dropoutP >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + dropoutP);
        Backend be = q.backend();
        FusedGatedPrefixAttention fused = be instanceof FusedGatedPrefixAttention f ? f : null;
        if (base != null && fused == null) return base.add(apply(q, ka, va, gate, dropoutP, seed, null).transpose(1, 2));
        float scale = (float) (1 / Math.sqrt(l.hd));
        Tensor baseC = base == null ? null : base.detach().contiguous();
        // detached: the node below is the only graph edge to the inputs
        Tensor qc = q.detach().contiguous();
        // the fused kernels read the token views in place (e.g. the head views of one key/value projection):
        // feature-dense, and ka and va with the same strides; everything else gets dense copies
        boolean inPlace = fused != null && ka.strides()[3] == 1 && java.util.Arrays.equals(ka.strides(), va.strides());
        Tensor kc = inPlace ? ka.detach() : ka.detach().contiguous(), vc = inPlace ? va.detach() : va.detach().contiguous();
        int setStride = kc.size(0) == 1 ? 0 : kc.strides()[0], headStride = kc.strides()[1], tokStride = kc.strides()[2];
        Tensor gateFlat = gate.detach().contiguous().reshape(l.h);
        Tensor mask = null;
        if (dropoutP > 0) {
            mask = Tensor.empty(q.device(), l.b, l.h, l.t, l.k);
            be.dropoutMask(mask.storage(), mask.numel(), dropoutP, seed);
        }
        Tensor probs = Tensor.empty(q.device(), l.b, l.h, l.t, l.k), dropped, out;
        Tensor mixed = Tensor.empty(q.device(), l.b, l.h, l.t, l.hd);             // O, before the gate
        Tensor tanhGate = null;
        AttentionDims dims = new AttentionDims(l.b, l.h, l.t, l.hd, scale);
        FusedGatedPrefixAttention.Tokens kv = fused == null
                ? null
                : new FusedGatedPrefixAttention.Tokens(kc.span(), vc.span(), l.k, setStride, headStride, tokStride);
        final FusedGatedPrefixAttention.Saved saved;
        if (fused != null) {
            dropped = mask == null ? probs : Tensor.empty(q.device(), probs.shape());   // without a mask the kernel writes probs twice
            out = Tensor.empty(q.device(), base == null ? mixed.shape() : base.shape());
            saved = new FusedGatedPrefixAttention.Saved(probs.storage(), dropped.storage(), mixed.storage());
            fused.gatedPrefixAttentionForward(out.storage(), saved, qc.span(), kv, gateFlat.span(), mask == null ? null : mask.storage(),
                    baseC == null ? null : baseC.span(), dims);
        } else {
            saved = null;
            Tensor scores = Tensor.empty(q.device(), probs.shape());
            l.gemm(be, scores, qc, kc, GemmShape.of(false, true, l.t, l.k, l.hd), scale, true);
            be.softmax(probs.span(), scores.span(), l.b * l.h * l.t, l.k, false);
            dropped = mask == null ? probs : Elementwise.binaryRaw(BinaryOp.MUL, probs, mask);
            l.gemm(be, mixed, dropped, vc, GemmShape.of(false, false, l.t, l.hd, l.k), 1f, true);
            tanhGate = Elementwise.unaryRaw(UnaryOp.TANH, 0, gateFlat).reshape(1, l.h, 1, 1);
            out = Elementwise.binaryRaw(BinaryOp.MUL, mixed, tanhGate);
        }

        Tensor maskF = mask, droppedF = dropped, tanhGateF = tanhGate;
        Tensor[] inputs = base == null ? new Tensor[]{q, ka, va, gate} : new Tensor[]{q, ka, va, gate, base};
        return Autograd.record(out, "gated_prefix_attention", inputs, g -> {
            Tensor gc = g.contiguous();
            // dmix = tanh(g) dout and ds = softmax'(probs, (dmix va^T) * mask): the token gradients are products of them
            Tensor gq = null, gGate = null, dmix = null, ds = null;
            if (fused != null) {
                Tensor gpart = gate.requiresGrad() ? Tensor.empty(q.device(), l.b * l.h, l.t) : null;
                ds = Tensor.empty(q.device(), probs.shape());
                dmix = Tensor.empty(q.device(), mixed.shape());
                // with a base, q's gradient token-major like the base's (q is a head view of GPT-2's qkv):
                // its way back through the view's transpose and reshape then needs no copy
                gq = !q.requiresGrad()
                        ? null
                        : base == null
                                ? Tensor.empty(q.device(), q.shape())
                                : Tensor.empty(q.device(), l.b, l.t, l.h, l.hd).transpose(1, 2);
                var grads = new FusedGatedPrefixAttention.Grads(gq == null ? null : gq.storage(), ds.storage(), dmix.storage(),
                        gpart == null ? null : gpart.storage());
                fused.gatedPrefixAttentionBackward(grads, gc.span(), kv, gateFlat.span(), maskF == null ? null : maskF.storage(), saved,
                        dims, base != null);
                if (gpart != null) {         // one launch: the per-head sum and tanh's derivative
                    Tensor perHead = Tensor.empty(q.device(), l.h);
                    fused.gatedPrefixAttentionGateGrad(perHead.storage(), gpart.storage(), gateFlat.span(), l.b, l.h, l.t);
                    gGate = perHead.reshape(gate.shape());
                }
            } else {
                if (gate.requiresGrad()) gGate = gateGrad(be, l, Elementwise.binaryRaw(BinaryOp.MUL, gc, mixed), gateFlat, gate);
                if (q.requiresGrad() || ka.requiresGrad() || va.requiresGrad()) dmix = Elementwise.binaryRaw(BinaryOp.MUL, gc, tanhGateF);
                if (q.requiresGrad() || ka.requiresGrad()) {
                    Tensor gDropped = Tensor.empty(q.device(), probs.shape());
                    l.gemm(be, gDropped, dmix, vc, GemmShape.of(false, true, l.t, l.k, l.hd), 1f, true);
                    Tensor gProbs = maskF == null ? gDropped : Elementwise.binaryRaw(BinaryOp.MUL, gDropped, maskF);
                    ds = Tensor.empty(q.device(), probs.shape());
                    be.softmaxBackward(ds.span(), probs.span(), gProbs.span(), l.b * l.h * l.t, l.k, false);
                    if (q.requiresGrad()) {
                        gq = Tensor.empty(q.device(), q.shape());
                        l.gemm(be, gq, ds, kc, GemmShape.of(false, false, l.t, l.hd, l.k), scale, true);
                    }
                }
            }
            Tensor gk = null, gv = null;
            if (va.requiresGrad()) {
                gv = Tensor.empty(q.device(), va.shape());
                l.gemm(be, gv, droppedF, dmix, GemmShape.of(true, false, l.k, l.hd, l.t), 1f, false);
            }
            if (ka.requiresGrad()) {
                gk = Tensor.empty(q.device(), ka.shape());
                l.gemm(be, gk, ds, qc, GemmShape.of(true, false, l.k, l.hd, l.t), scale, false);
            }
            return base == null ? new Tensor[]{gq, gk, gv, gGate} : new Tensor[]{gq, gk, gv, gGate, base.requiresGrad() ? g : null};
        });
    }

    /** dg = (1 - tanh^2 g) * the per-head sum of {@code terms} (dense, B*H rows of any length: dout * O; composed, without the fused kernels). */
    private static Tensor gateGrad(Backend be, Layout l, Tensor terms, Tensor gateFlat, Tensor gate) {
        Tensor perRow = Tensor.empty(terms.device(), l.b * l.h), perHead = Tensor.empty(terms.device(), l.h);
        be.reduce(ReduceOp.SUM, perRow.span(), terms.span(), l.b * l.h, terms.numel() / (l.b * l.h), 1);
        be.reduce(ReduceOp.SUM, perHead.span(), perRow.span(), 1, l.b, l.h);
        return Elementwise.unaryGrad(UnaryOp.TANH, 0, gateFlat, perHead).reshape(gate.shape());
    }

    /**
     * Sizes, and how the batched GEMMs walk them. Per-sample tokens: one GEMM over all B*H
     * (batch, head) pairs. Shared tokens: one GEMM per sample over its H heads; a gradient that
     * lands on the shared tokens is accumulated over the samples (beta = 1 after the first).
     */
    private record Layout(int b, int h, int t, int k, int hd, boolean sharedKv) {
        static Layout of(Tensor q, Tensor ka, Tensor va, Tensor gate) {
            if (q.dim() != 4 || ka.dim() != 4 || !java.util.Arrays.equals(ka.shape(), va.shape()))
                throw new IllegalArgumentException(
                        "gated prefix attention expects q [B, H, T, hd] and ka, va [B or 1, H, K, hd] of equal shape, got q "
                                + Shapes.str(q.shape()) + ", ka " + Shapes.str(ka.shape()) + ", va " + Shapes.str(va.shape()));
            int b = q.size(0), h = q.size(1), t = q.size(2), hd = q.size(3), kb = ka.size(0);
            if ((kb != b && kb != 1) || ka.size(1) != h || ka.size(3) != hd)
                throw new IllegalArgumentException(
                        "prefix keys " + Shapes.str(ka.shape()) + " do not match queries " + Shapes.str(q.shape()));
            if (gate.numel() != h)
                throw new IllegalArgumentException("gate has " + gate.numel() + " elements (shape " + Shapes.str(gate.shape())
                        + "), expected one per head (" + h + ")");
            if (ka.device() != q.device() || va.device() != q.device() || gate.device() != q.device())
                throw new IllegalArgumentException("gated prefix attention operands on different devices");
            return new Layout(b, h, t, ka.size(2), hd, kb == 1 && b > 1);
        }

        /**
         * C = alpha op(A) op(B) over every (batch, head) pair of dense [B or 1, H, rows, cols] operands; A is per
         * query position (walks all B*H items), B is per token set. When {@code cPerQuery} is false C is a
         * token-set tensor (a gradient of ka or va) and accumulates across samples if shared.
         */
        void gemm(Backend be, Tensor c, Tensor a, Tensor bm, GemmShape op, float alpha, boolean cPerQuery) {
            int m = op.m(), n = op.n(), kk = op.k(), aStride = m * kk, bStride = kk * n, cStride = m * n;
            Matrix ma = new Matrix(a.storage(), a.offset(), op.transA() ? m : kk, aStride);
            Matrix mb = new Matrix(bm.storage(), bm.offset(), op.transB() ? kk : n, bStride);
            Matrix mc = new Matrix(c.storage(), c.offset(), n, cStride);
            if (!sharedKv) {
                be.gemm(mc, ma, mb, op.with(kk, b * h), alpha, 0f);
                return;
            }
            for (int s = 0; s < b; s++) {
                // the per-query operand is either B or C: the per-query one advances with the sample
                int sample = s * h;
                be.gemm(mc.shift(cPerQuery ? sample * cStride : 0), ma.shift(sample * aStride), mb.shift(cPerQuery ? 0 : sample * bStride),
                        op.with(kk, h), alpha, cPerQuery || s == 0 ? 0f : 1f);
            }
        }
    }
}
