package io.medualtime.tensor.backend;

/**
 * The sizes of a multi-head attention: {@code batch} samples, {@code heads} heads of {@code headDim}
 * features, {@code tokens} positions, and the score scale (usually 1/sqrt(headDim)).
 */
public record AttentionDims(int batch, int heads, int tokens, int headDim, float scale) {
    public AttentionDims {
        if (batch < 0 || heads < 0 || tokens < 0 || headDim < 0)
            throw new IllegalArgumentException("attention sizes batch " + batch + ", heads " + heads + ", tokens " + tokens
                    + ", head dim " + headDim + ": none may be negative");
    }

    /** batch * heads * tokens: the number of query rows. */
    public int rows() { return batch * heads * tokens; }
}
