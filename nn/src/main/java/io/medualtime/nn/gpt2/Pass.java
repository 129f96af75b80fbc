package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Tensor;

/**
 * One batch of sequences for {@link Gpt2#blocksAt(java.util.List)}: embeddings x [B, T, C], the
 * padding mask [B*T] (1 = real token, 0 = padding) or null, an attention hook or null, and the one
 * row each sample reads ({@code rowPerSample}, see {@link Gpt2#blocksAt(Tensor, int[], AttentionHook, int[])})
 * or null for every row.
 */
public record Pass(Tensor x, int[] padMask, AttentionHook hook, int[] rowPerSample) {}
