package io.medualtime.tensor.cpu.kernels;

/**
 * A normalisation's per-feature weight and bias (either may be null: no scale, no shift), or, in a
 * backward pass, the arrays their gradients are written to (null: not wanted).
 */
public record ArrayAffine(float[] weight, float[] bias) {}
