package io.medualtime.tensor.backend;

/**
 * The statistics a normalisation's forward saves for its backward, per row (layer norm) or channel
 * (batch norm), dense from element 0: the mean and the reciprocal standard deviation 1/sqrt(var + eps).
 */
public record NormStats(Storage mean, Storage rstd) {
    public NormStats {
        if (mean == null || rstd == null) throw new IllegalArgumentException("normalisation statistics need both mean and rstd");
    }
}
