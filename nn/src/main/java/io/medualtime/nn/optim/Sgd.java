package io.medualtime.nn.optim;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.ops.Norms;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** SGD with optional momentum and (coupled, L2) weight decay, PyTorch's rule. */
public final class Sgd extends Optimizer {
    private final float momentum, weightDecay;
    private final Map<Tensor, Tensor> buffers = new IdentityHashMap<>();

    public Sgd(List<Tensor> params, float lr, float momentum, float weightDecay) {
        super(params, lr);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override public void step() {
        try (GradMode m = GradMode.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                if (weightDecay != 0) g = g.add(p.mul(weightDecay));
                if (momentum != 0) {
                    Tensor buf = buffers.get(p);
                    buf = buf == null ? g.contiguous() : buf.mul(momentum).add(g);
                    buffers.put(p, TensorScope.persist(buf));
                    g = buf;
                }
                Norms.updateInPlace(p, p.sub(g.mul(lr)));
            }
        }
    }
}
