package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;

/** LayerNorm over the last dim (fused kernel), weight 1 and bias 0 at init. */
public final class LayerNorm extends Module {
    public final Tensor weight, bias;
    private final float eps;

    public LayerNorm(int dim, float eps) {
        weight = param("weight", Tensor.ones(dim));
        bias = param("bias", Tensor.zeros(dim));
        this.eps = eps;
    }

    public Tensor forward(Tensor x) { return F.layerNorm(x, weight, bias, eps); }
}
