package io.medualtime.tensor.backend;

/**
 * An additive attention mask [B or 1, 1, Q or 1, K], dense from {@code values}' offset: one set of rows
 * per sample when {@code perSample} (else shared by the batch), one row per query when {@code perQuery}
 * (else one row shared by the queries).
 */
public record AttentionMask(Span values, boolean perSample, boolean perQuery) {
    public AttentionMask {
        if (values == null) throw new IllegalArgumentException("an attention mask needs its values");
    }
}
