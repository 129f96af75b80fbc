package io.medualtime.nn.optim;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.MultiTensorAdamW;
import io.medualtime.tensor.backend.Storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's update rule, one fused
 * kernel per parameter (one for all of them on a backend with {@link MultiTensorAdamW}, e.g. CUDA): p -= lr * wd * p; m, v moments; p -= lr / (1 - b1^t) * m / (sqrt(v) /
 * sqrt(1 - b2^t) + eps). With weightDecay = 0 it is Adam ({@link #adam}).
 */
public final class AdamW extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final Map<Tensor, Tensor[]> state = new IdentityHashMap<>();
    private int t;

    public AdamW(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) { this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f); }

    /** Plain Adam (PyTorch's L2-free default). */
    public static AdamW adam(List<Tensor> params, float lr) { return new AdamW(params, lr, 0.9f, 0.999f, 1e-8f, 0f); }

    @Override public void step() {
        t++;
        float bias1 = (float) (1 - Math.pow(beta1, t)), bias2 = (float) (1 - Math.pow(beta2, t));
        Map<MultiTensorAdamW, List<Tensor[]>> together = new IdentityHashMap<>();   // backends that take every tensor at once
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (!p.isContiguous()) throw new IllegalStateException("AdamW needs contiguous parameters, got " + p);
            Tensor[] mv = state.computeIfAbsent(p, k -> new Tensor[]{       // moments outlive any TensorScope of the step
                    TensorScope.persist(Tensor.zeros(k.device(), k.shape())), TensorScope.persist(Tensor.zeros(k.device(), k.shape()))});
            Tensor gc = g.contiguous();
            if (p.backend() instanceof MultiTensorAdamW multi) {
                together.computeIfAbsent(multi, k -> new ArrayList<>()).add(new Tensor[]{p, gc, mv[0], mv[1]});
            } else {
                p.backend().adamw(p.storage(), gc.storage(), mv[0].storage(), mv[1].storage(), p.numel(), lr, beta1, beta2, eps,
                        weightDecay, bias1, bias2);
            }
        }
        together.forEach((multi, ts) -> multi.adamw(storages(ts, 0), storages(ts, 1), storages(ts, 2), storages(ts, 3),
                ts.stream().mapToInt(x -> x[0].numel()).toArray(), lr, beta1, beta2, eps, weightDecay, bias1, bias2));
    }

    private static Storage[] storages(List<Tensor[]> ts, int which) {
        return ts.stream().map(x -> x[which].storage()).toArray(Storage[]::new);
    }

    /** Number of steps taken. */
    public int steps() { return t; }
}
