package io.medualtime.tensor.cuda;

/** The dimensions of an attention: batch samples, heads, tokens (queries) per sample, features per head, and the score scale. */
record AttentionDims(int batch, int heads, int tokens, int headDim, float scale) {
    /** The number of (sample, head, query) rows when each sample has {@code queries} query rows. */
    long rows(int queries) { return (long) batch * heads * queries; }
}
