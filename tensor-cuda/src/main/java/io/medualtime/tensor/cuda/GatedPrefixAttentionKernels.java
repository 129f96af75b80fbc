package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.AttentionDims;

/**
 * Launchers of kernels/gated_prefix_attention.ptx: attention of the query rows [B, H, T, D] to K extra
 * key/value tokens with a tanh gate per head, a warp per query row (the math: ops/GatedPrefixAttention).
 */
final class GatedPrefixAttentionKernels {
    private static final String PTX = "gated_prefix_attention";

    private GatedPrefixAttentionKernels() {}

    /**
     * The K extra tokens: their keys and values as strided views [B or 1, H, K, D] (element strides per
     * sample - 0 when one set serves every sample -, per head and per token; features dense), the gate
     * [H], and the dropout mask over the probabilities [rows, K] (0: no dropout).
     */
    record Prefix(long keys, long values, long gate, long mask, int count, int setStride, int headStride, int tokStride) {}

    /** The forward's saved rows: probabilities and dropped probabilities [rows, K], the mixed values [rows, D]. */
    record Saved(long probs, long dropped, long mixed) {}

    /** The backward's outputs: dq (0: not wanted), ds [rows, K], dmix [rows, D], and the gate's per-row partial sums (0: none). */
    record Grads(long dq, long ds, long dmix, long gatePartials) {}

    /** out = tanh(gate) * mixed, or with base (not 0) out = base + that, both token-major [B, T, H, D]. */
    static void forward(long out, long base, Saved saved, long q, Prefix p, AttentionDims d) {
        Launch.gridStride(PTX, "gated_prefix_attention_fwd", 32L * d.rows(), q, p.keys(), p.values(), p.gate(), p.mask(),
                saved.probs(), saved.dropped(), saved.mixed(), out, base, d.batch(), d.heads(), d.tokens(), p.count(), d.headDim(),
                p.setStride(), p.headStride(), p.tokStride(), d.scale());
    }

    /** The backward's row-wise part from gout; tokens: gout and dq token-major (the gradient of a forward with base). */
    static void backward(Grads g, long gout, Saved saved, Prefix p, AttentionDims d, boolean tokens) {
        Launch.gridStride(PTX, "gated_prefix_attention_bwd", 32L * d.rows(), gout, p.keys(), p.values(), p.gate(), p.mask(),
                saved.probs(), saved.mixed(), g.dq(), g.ds(), g.dmix(), g.gatePartials(), d.batch(), d.heads(), d.tokens(), p.count(),
                d.headDim(), p.setStride(), p.headStride(), p.tokStride(), d.scale(), tokens ? 1 : 0);
    }

    /** dgate[h] from the backward's per-row partial sums: one block per head, in a fixed order. */
    static void gateGrad(long dgate, long gatePartials, long gate, int batch, int heads, int tokens) {
        if (heads <= 0) return;
        Launch.shaped(PTX, "gated_prefix_attention_gate_grad", LaunchShape.linear(heads, Launch.BLOCK), gatePartials, gate, dgate,
                batch, heads, tokens);
    }
}
