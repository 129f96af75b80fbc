package io.medualtime.nn.optim;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.AdamWStep;
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
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps >= 0 && eps < Float.POSITIVE_INFINITY))
            throw new IllegalArgumentException("AdamW eps must be finite and >= 0, got " + eps);
        if (!(weightDecay >= 0 && weightDecay < Float.POSITIVE_INFINITY))
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f);
    }

    /** Plain Adam (PyTorch's L2-free default). */
    public static AdamW adam(List<Tensor> params, float lr) {
        return new AdamW(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override public void step() {
        t++;
        float bias1 = (float) (1 - Math.pow(beta1, t)), bias2 = (float) (1 - Math.pow(beta2, t));
        AdamWStep update = new AdamWStep(lr, beta1, beta2, eps, weightDecay, bias1, bias2);
        Map<MultiTensorAdamW, List<Tensor[]>> together = new IdentityHashMap<>();   // backends that take every tensor at once
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (!p.isContiguous()) throw new IllegalStateException("AdamW needs contiguous parameters, got " + p);
            Tensor[] mv = state.computeIfAbsent(p, k -> new Tensor[]{       // moments outlive any TensorScope of the step
                    TensorScope.persist(Tensor.zeros(k.device(), k.shape())), TensorScope.persist(Tensor.zeros(k.device(), k.shape()))});
            Tensor gc = g.contiguous();
            if (p.backend() instanceof MultiTensorAdamW multi) {
                together.computeIfAbsent(multi, k -> new ArrayList<>()).add(new Tensor[]{p, mv[0], mv[1], gc});
            } else {
                p.backend().adamw(p.storage(), mv[0].storage(), mv[1].storage(), gc.storage(), p.numel(), update);
            }
        }
        together.forEach((multi, ts) -> multi.adamw(storages(ts, 0), storages(ts, 1), storages(ts, 2), storages(ts, 3),
                ts.stream().mapToInt(x -> x[0].numel()).toArray(), update));
    }

    private static Storage[] storages(List<Tensor[]> ts, int which) {
        return ts.stream().map(x -> x[which].storage()).toArray(Storage[]::new);
    }

    /** Number of steps taken. */
    public int steps() { return t; }

    /**
     * The optimizer's state, for a checkpoint: steps taken, learning rate, and per parameter (in {@link #params()}
     * order) its first and second moments, null for a parameter not updated yet.
     */
    public record State(int steps, float lr, float[][] firstMoments, float[][] secondMoments) {}

    /** A copy of the state ({@link #restore} continues from it exactly). */
    public State state() {
        float[][] m = new float[params.size()][], v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Tensor[] mv = state.get(params.get(i));
            if (mv != null) {
                m[i] = mv[0].toArray();
                v[i] = mv[1].toArray();
            }
        }
        return new State(t, lr, m, v);
    }

    /** Continues from a {@link #state()} of an optimizer over parameters of the same shapes, in the same order. */
    public void restore(State s) {
        if (s.firstMoments().length != params.size() || s.secondMoments().length != params.size())
            throw new IllegalArgumentException(
                    "optimizer state for " + s.firstMoments().length + " parameters, this optimizer has " + params.size());
        state.clear();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] m = s.firstMoments()[i], v = s.secondMoments()[i];
            if (m == null && v == null) continue;
            if (m == null || v == null || m.length != p.numel() || v.length != p.numel())
                throw new IllegalArgumentException("optimizer state of parameter " + i + " does not fit its " + p.numel() + " elements");
            state.put(p, new Tensor[]{TensorScope.persist(Tensor.of(m.clone(), p.shape()).to(p.device())),
                    TensorScope.persist(Tensor.of(v.clone(), p.shape()).to(p.device()))});
        }
        t = s.steps();
        lr = s.lr();
    }
}
