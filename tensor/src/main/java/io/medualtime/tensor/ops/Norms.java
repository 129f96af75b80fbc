package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.backend.Affine;
import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.backend.NormStats;
import io.medualtime.tensor.backend.RunningStats;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;

/** Layer norm and training-mode batch norm (fused kernels), eval-mode batch norm and L2 normalisation (composed). */
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
        NormStats saved = new NormStats(mean.storage(), rstd.storage());
        c.backend().layerNorm(y.storage(), saved, c.span(), affine(w, b), rows, cols, eps);
        return Autograd.record(y, "layer_norm", new Tensor[]{x, weight, bias}, g -> {
            Tensor gc = Views.denseFromStart(g);
            Tensor gx = Tensor.empty(x.device(), x.shape());
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.empty(x.device(), cols) : null;   // written whole
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.empty(x.device(), cols) : null;
            c.backend().layerNormBackward(gx.storage(), affine(gw, gb), gc.storage(), c.span(), saved, storageOf(w), rows, cols);
            return new Tensor[]{gx, gw, gb};
        });
    }

    private static Storage storageOf(Tensor t) { return t == null ? null : t.storage(); }

    /** The affine parts (or their gradients) as the backend takes them, from offset 0 of their storages. */
    private static Affine affine(Tensor weight, Tensor bias) {
        return new Affine(storageOf(weight), storageOf(bias));
    }

    private static void checkVector(Tensor t, int n, String what) {
        if (t != null && (t.dim() != 1 || t.size(0) != n))
            throw new IllegalArgumentException(what + " has shape " + Shapes.str(t.shape()) + ", expected [" + n + "]");
    }

    /**
     * BatchNorm over dim 1 of [B, C] or [B, C, L]. In training, normalises with the batch statistics
     * (biased variance) and updates the running statistics in place with the unbiased variance
     * (PyTorch's rule), in one fused kernel with its own backward; in eval, uses the running
     * statistics (composed).
     */
    public static Tensor batchNorm1d(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
            boolean training, float momentum, float eps) {
        if (x.dim() != 2 && x.dim() != 3)
            throw new IllegalArgumentException("batch norm 1d expects [B, C] or [B, C, L], got " + Shapes.str(x.shape()));
        int c = x.size(1);
        checkVector(weight, c, "batch norm weight");
        checkVector(bias, c, "batch norm bias");
        checkVector(runningMean, c, "batch norm running mean");
        checkVector(runningVar, c, "batch norm running variance");
        if (training) return batchNormTraining(x, weight, bias, runningMean, runningVar, momentum, eps);
        int[] statShape = x.dim() == 2 ? new int[]{1, c} : new int[]{1, c, 1};
        Tensor y = x.sub(runningMean.reshape(statShape)).div(runningVar.reshape(statShape).add(eps).sqrt());
        if (weight != null) y = y.mul(weight.reshape(statShape));
        if (bias != null) y = y.add(bias.reshape(statShape));
        return y;
    }

    private static Tensor batchNormTraining(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
            float momentum, float eps) {
        int b = x.size(0), c = x.size(1), len = x.dim() == 3 ? x.size(2) : 1;
        if ((long) b * len < 2)
            throw new IllegalArgumentException(
                    "batch norm in training needs more than one value per channel, got input " + Shapes.str(x.shape()));
        for (Tensor r : new Tensor[]{runningMean, runningVar})      // updated in place by the kernel
            if (r != null && (r.offset() != 0 || !r.isContiguous()))
                throw new IllegalArgumentException("batch norm running statistics must be dense tensors of their own (offset 0), got " + r);
        Tensor xc, w, bb;
        try (GradMode g = GradMode.noGrad()) {      // the backends read these from offset 0; the node below is the graph edge
            xc = Views.denseFromStart(x);
            w = weight == null ? null : Views.denseFromStart(weight);
            bb = bias == null ? null : Views.denseFromStart(bias);
        }
        Tensor y = Tensor.empty(x.device(), x.shape()), mean = Tensor.empty(x.device(), c), invstd = Tensor.empty(x.device(), c);
        NormStats saved = new NormStats(mean.storage(), invstd.storage());
        ChannelShape shape = new ChannelShape(b, c, len);
        xc.backend().batchNorm(y.storage(), saved, Span.of(xc.storage()), affine(w, bb),
                new RunningStats(storageOf(runningMean), storageOf(runningVar), momentum), shape, eps);
        return Autograd.record(y, "batch_norm", new Tensor[]{x, weight, bias}, g -> {
            Tensor gc = Views.denseFromStart(g);
            Tensor gx = Tensor.empty(x.device(), x.shape());
            Tensor gw = weight != null && weight.requiresGrad() ? Tensor.empty(x.device(), c) : null;   // written whole
            Tensor gb = bias != null && bias.requiresGrad() ? Tensor.empty(x.device(), c) : null;
            xc.backend().batchNormBackward(gx.storage(), affine(gw, gb), gc.storage(), Span.of(xc.storage()), saved, storageOf(w), shape);
            return new Tensor[]{gx, gw, gb};
        });
    }

    /** counter += 1 where it lives (BatchNorm's num_batches_tracked): one kernel, no temporary. */
    public static void incrementInPlace(Tensor counter) {
        if (counter.numel() != 1) throw new IllegalArgumentException("a counter has one element, got " + counter);
        counter.backend().unary(io.medualtime.tensor.backend.UnaryOp.ADD_SCALAR, counter.span(), counter.span(), 1, 1f);
    }

    public static void updateInPlace(Tensor target, Tensor value) {
        Tensor v = value.contiguous();
        target.backend().copy(target.view(), v.view(), false);
    }

    /** x / max(||x||_2, eps) along dim (F.normalize). */
    public static Tensor l2Normalize(Tensor x, int dim, float eps) {
        Tensor norm = Elementwise.sqrt(Reductions.sum(Elementwise.mul(x, x), new int[]{dim}, true));
        return Elementwise.div(x, Elementwise.clampMin(norm, eps));
    }
}
