package io.medualtime.model;

import io.medualtime.nn.gpt2.AttentionHook;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.ops.GatedPrefixAttention;

/**
 * MedualTime's adapter, the paper's key idea, for one pass: in each adapter layer l of the frozen
 * GPT-2 the pass's queries also attend to K adaptation tokens that carry the other modality,
 *
 * <pre>
 *   A_l    = adapter_query[l] + c                      ([K, d] + the condition vector c [B, d], per sample)
 *   Ka, Va = the key and value parts of c_attn(A_l)    (the layer's own frozen c_attn; A_l is not layer-normed)
 *   O      = softmax(Q K^T / sqrt(hd) + mask) V  +  tanh(g_l) * softmax(Q Ka^T / sqrt(hd)) Va
 * </pre>
 *
 * GPT-2's attention computes the first term; {@link #addTo} adds the second
 * ({@link GatedPrefixAttention}: no mask, its own softmax, attention dropout like the first, one gate
 * per head). With g_l = 0 the layer is exactly the plain LM's. The gates are shared by both passes,
 * the tokens are each pass's own.
 */
final class AdapterAttention implements AttentionHook {
    private final int first, k, d, batch;
    /** A_l for every adapter layer, or the rows c_attn's affine split needs (see {@link #keysAndValues}). */
    private final Tensor tokens;
    private final boolean perSample;
    private final Tensor[] gates;
    private final float dropoutP;
    private final Rng dropoutSeeds;

    /**
     * @param queries      adapter_query [M*K, d]: K tokens for each of the M adapter layers, the lowest first
     * @param condition    c [B, d]: the other modality's vector, added to every token
     * @param gates        per GPT-2 layer, its gate [1, heads, 1, 1] (null below the adapter layers)
     * @param dropoutP     attention dropout on the adapter softmax (0 in eval mode)
     * @param dropoutSeeds draws one mask seed per adapter layer and call, when dropoutP > 0
     */
    AdapterAttention(Tensor queries, int k, Tensor condition, Tensor[] gates, float dropoutP, Rng dropoutSeeds) {
        int layers = queries.size(0) / k;
        this.k = k;
        d = queries.size(1);
        first = gates.length - layers;
        if (condition.dim() != 2 || condition.size(1) != d)
            throw new IllegalArgumentException("condition vectors must be [B, " + d + "], got " + Shapes.str(condition.shape()));
        batch = condition.size(0);
        this.gates = gates;
        this.dropoutP = dropoutP;
        this.dropoutSeeds = dropoutSeeds;
        // c_attn is affine: c_attn(q_l + c) = (q_l W + bias) + c W. Composed from primitives, one GEMM of
        // K + B rows per layer and a broadcast add is a third of the FLOPs; where this attention runs as
        // fused kernels each call is a launch that costs more than those FLOPs, so A_l is built for every
        // layer and sample at once, [layers, B, K, d], and each layer's K * B rows go through one GEMM
        // with the bias in it (four launches fewer per layer and pass)
        perSample = GatedPrefixAttention.fuses(condition);
        tokens = perSample
                ? queries.reshape(layers, 1, k, d).add(condition.reshape(1, batch, 1, d))
                : F.cat(1, queries.reshape(layers, k, d), condition.unsqueeze(0).expand(layers, batch, d));  // [layers, K + B, d]
    }

    @Override public Tensor addTo(int layer, Tensor q, Gpt2.Attention attn, Tensor out) {
        if (layer < first) return out;
        if (batch != q.size(0)) throw new IllegalArgumentException(batch + " condition vectors for a batch of " + q.size(0));
        Tensor kv = keysAndValues(layer, attn);                                                       // [B, K, 2d]
        long seed = dropoutP > 0 ? dropoutSeeds.nextLong() : 0L;
        return GatedPrefixAttention.apply(q, attn.heads(kv, 0), attn.heads(kv, 1), gates[layer], dropoutP, seed, out);
    }

    /** The key and value parts of c_attn(A_l), [B, K, 2d] (c_attn's query third is skipped: it is unused). */
    private Tensor keysAndValues(int layer, Gpt2.Attention attn) {
        Tensor w = attn.cAttn.weight.narrow(1, d, 2 * d), bias = attn.cAttn.bias.narrow(0, d, 2 * d);
        Tensor a = tokens.narrow(0, layer - first, 1);
        if (perSample) return F.linear(a.reshape(batch, k, d), w, bias);
        Tensor rows = a.reshape(k + batch, d).matmul(w);                                              // [K + B, 2d]
        return rows.narrow(0, 0, k).add(bias).add(rows.narrow(0, k, batch).unsqueeze(1));            // [K, 2d] + [B, 1, 2d]
    }
}
