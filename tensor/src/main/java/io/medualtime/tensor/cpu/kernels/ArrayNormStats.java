package io.medualtime.tensor.cpu.kernels;

/**
 * The statistics a normalisation's forward saves for its backward: per row (layer norm) or per
 * channel (batch norm), the mean and 1 / sqrt(variance + eps).
 */
public record ArrayNormStats(float[] mean, float[] rstd) {}
