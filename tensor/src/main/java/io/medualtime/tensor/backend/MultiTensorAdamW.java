package io.medualtime.tensor.backend;

/**
 * The AdamW step of many parameter tensors in one call, for a backend where each primitive call is a
 * kernel launch (CUDA: adamw.ptx's adamw_multi; PyTorch's "foreach"/fused optimizers). Optional:
 * without it an optimizer calls {@link Backend#adamw} per tensor. Each tensor i is dense from element
 * 0: params[i], ms[i], vs[i], grads[i] of sizes[i] elements; the update is {@link Backend#adamw}'s.
 */
public interface MultiTensorAdamW {
    void adamw(Storage[] params, Storage[] ms, Storage[] vs, Storage[] grads, int[] sizes, AdamWStep step);
}
