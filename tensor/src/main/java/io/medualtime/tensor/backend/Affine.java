package io.medualtime.tensor.backend;

/**
 * A normalisation's per-feature scale and shift (or their gradients), each dense from element 0 and
 * either may be null (absent, or a gradient nobody wants).
 */
public record Affine(Storage weight, Storage bias) {
    /** Neither. */
    public static final Affine NONE = new Affine(null, null);
}
