package io.medualtime.tensor.cuda;

/**
 * Device addresses of a normalisation's saved statistics (backend/NormStats as addresses): the mean and 1 / std per row (layer norm) or
 * channel (batch norm); 0: not kept.
 */
record DeviceNormStats(long mean, long invStd) {}
