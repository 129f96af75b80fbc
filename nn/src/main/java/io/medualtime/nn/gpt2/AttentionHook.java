package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Tensor;

/**
 * A hook into GPT-2's attention: adds a term to a layer's attention output before c_proj (e.g.
 * gated attention to extra tokens, as MedualTime's adapters do), or leaves the layer alone.
 */
@FunctionalInterface
public interface AttentionHook {
    /**
     * @param layer the block index
     * @param q     the layer's queries [B, heads, T, headDim] (T = 1 in the last block of {@link Gpt2#blocksAt})
     * @param attn  the block's attention (e.g. its frozen c_attn, to project extra tokens)
     * @param out   the layer's attention output [B, T, heads, headDim]: token-major, heads not yet merged
     * @return {@code out} plus this hook's term (same shape), or {@code out} itself for a layer it leaves alone
     */
    Tensor addTo(int layer, Tensor q, Gpt2.Attention attn, Tensor out);
}
