package io.medualtime.tensor.cuda;

/** Device addresses of a normalisation's scale and shift (or of their gradients) - backend/Affine as addresses; 0 for an absent one. */
record DeviceAffine(long weight, long bias) {}
