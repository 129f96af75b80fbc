package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Tensor;

/**
 * A hook into GPT-2's attention: given a layer's per-head queries, returns a term added to that
 * layer's attention output before c_proj (MedualTime's adaptation-token attention), or null for
 * layers it leaves alone.
 */
@FunctionalInterface
public interface AttentionAdapter {
    /**
     * @param layer the block index
     * @param q     queries [B, heads, T, headDim]
     * @param attn  the block's attention (its frozen c_attn projects the adaptation tokens)
     * @return [B, heads, T, headDim] to add, or null
     */
    Tensor attend(int layer, Tensor q, Gpt2.Attention attn);

    /**
     * The layer's attention output {@code out} [B, T, heads, headDim] (token-major, as the fused attention
     * writes it) with this hook's term added, or {@code out} itself for a layer it leaves alone. By
     * default {@link #attend}'s term, transposed and added; a hook that can write the sum in one kernel
     * (MedualTime's, on CUDA) overrides it.
     */
    default Tensor addTo(int layer, Tensor q, Gpt2.Attention attn, Tensor out) {
        Tensor term = attend(layer, q, attn);
        return term == null ? out : term.transpose(1, 2).add(out);
    }
}
