package io.medualtime.tensor.backend;

/**
 * The scalars of one AdamW update: learning rate, moment decays, eps, decoupled weight decay, and the
 * bias corrections bias1 = 1 - beta1^t and bias2 = 1 - beta2^t of step t.
 */
public record AdamWStep(float lr, float beta1, float beta2, float eps, float weightDecay, float bias1, float bias2) {}
