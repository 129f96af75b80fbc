package io.medualtime.tensor.cuda;

/** Device addresses of a normalisation's scale and shift (or of their gradients); 0 for an absent one. */
record Affine(long weight, long bias) {}
