package io.medualtime.nn.optim;

import io.medualtime.tensor.Tensor;

import java.util.List;

/** Updates parameters in place from their accumulated gradients. */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected float lr;

    protected Optimizer(List<Tensor> params, float lr) {
        if (!(lr >= 0 && lr < Float.POSITIVE_INFINITY))
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    /** One update of every parameter that has a gradient. */
    public abstract void step();

    public void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }

    public float lr() { return lr; }

    public void setLr(float lr) { this.lr = lr; }

    public List<Tensor> params() { return params; }
}
