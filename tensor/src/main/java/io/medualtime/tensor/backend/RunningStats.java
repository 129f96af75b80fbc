package io.medualtime.tensor.backend;

/**
 * Batch norm's running statistics, updated in place (dense from element 0; either may be null):
 * run = (1 - momentum) * run + momentum * (batch mean, unbiased batch variance).
 */
public record RunningStats(Storage mean, Storage var, float momentum) {}
