package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.autograd.GradMode;

/** Layer norm (fused kernel), batch norm 1-d and L2 normalisation (composed). */
public final class Norms {
    private Norms() {}

    /** LayerNorm over the last dim with optional weight and bias of shape [C]. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int cols = x.size(-1), rows = x.numel() / Math.max(cols, 1);
        checkVector(weight, cols, "layer norm weight");
        checkVector(bias, cols, "layer norm bias");
        Tensor c = x.contiguous();
        // the backend reads weight, bias and the gradient from offset 0 of their storages
        Tensor w = weight == null ? null : Views.denseFromStart(weight), b = bias == null ? null : Views.denseFromStart(bias);
        Tensor y = Tensor.empty(x.device(), x.shape());
        Tensor mean = Tensor.empty(x.device(), rows), rstd = Tensor.empty(x.device(), rows);
        c.backend().layerNorm(c.storage(), c.offset(), w == null ? null : w.storage(), b == null ? null : b.storage(), eps,
                y.storage(), mean.storage(), rstd.storage(), rows, cols);
        return Autograd.record(y, "layer_norm", new Tensor[]{x, weight, bias}, g -> {
            Tensor gc = Views.denseFromStart(g);
            Tensor gx = Tensor.empty(x.device(), x.shape());
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.zeros(x.device(), cols) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.zeros(x.device(), cols) : null;
            c.backend().layerNormBackward(c.storage(), c.offset(), w == null ? null : w.storage(), mean.storage(), rstd.storage(),
                    gc.storage(), gx.storage(), gw == null ? null : gw.storage(), gb == null ? null : gb.storage(), rows, cols);
            return new Tensor[]{gx, gw, gb};
        });
    }

    private static void checkVector(Tensor t, int n, String what) {
        if (t != null && (t.dim() != 1 || t.size(0) != n))
            throw new IllegalArgumentException(what + " has shape " + Shapes.str(t.shape()) + ", expected [" + n + "]");
    }

    /**
     * BatchNorm over dim 1 of [B, C] or [B, C, L]. In training, normalises with the batch statistics
     * (biased variance) and updates the running statistics in place with the unbiased variance
     * (PyTorch's rule); in eval, uses the running statistics.
     */
    public static Tensor batchNorm1d(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException("batch norm 1d expects [B, C] or [B, C, L], got " + Shapes.str(x.shape()));
        int c = x.size(1);
        int[] statShape = x.dim() == 2 ? new int[]{1, c} : new int[]{1, c, 1};
        int[] dims = x.dim() == 2 ? new int[]{0} : new int[]{0, 2};
        Tensor mean, var;
        if (training) {
            mean = Reductions.mean(x, dims, true);
            var = Reductions.var(x, dims, false, true);
            if (runningMean != null) {
                long n = x.numel() / c;
                try (GradMode g = GradMode.noGrad()) {
                    Tensor unbiased = var.detach().mul(n / (float) Math.max(n - 1, 1)).reshape(c);
                    updateInPlace(runningMean, runningMean.mul(1 - momentum).add(mean.detach().reshape(c).mul(momentum)));
                    updateInPlace(runningVar, runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
                }
            }
        } else {
            mean = runningMean.reshape(statShape);
            var = runningVar.reshape(statShape);
        }
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) y = y.mul(weight.reshape(statShape));
        if (bias != null) y = y.add(bias.reshape(statShape));
        return y;
    }

    /** Overwrites a buffer's values (optimiser-style in-place update, outside autograd). */
    public static void updateInPlace(Tensor target, Tensor value) {
        Tensor v = value.contiguous();
        target.backend().copy(v.view(), target.view(), false);
    }

    /** x / max(||x||_2, eps) along dim (F.normalize). */
    public static Tensor l2Normalize(Tensor x, int dim, float eps) {
        Tensor norm = Elementwise.sqrt(Reductions.sum(Elementwise.mul(x, x), new int[]{dim}, true));
        return Elementwise.div(x, Elementwise.clampMin(norm, eps));
    }
}
