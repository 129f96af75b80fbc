package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.ops.Norms;

/**
 * PyTorch's nn.BatchNorm1d(C) (eps 1e-5, momentum 0.1, affine, running statistics): batch
 * statistics and a running-stat update in training, the running statistics in eval. Buffers carry
 * PyTorch's names, including {@code num_batches_tracked} (saved as I64), so checkpoints load both ways.
 */
public final class BatchNorm1d extends Module {
    /** PyTorch's defaults: the running statistics' update weight and the variance epsilon. */
    public static final float MOMENTUM = 0.1f, EPS = 1e-5f;
    public final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    public BatchNorm1d(int channels) {
        weight = param("weight", Tensor.ones(channels));
        bias = param("bias", Tensor.zeros(channels));
        runningMean = buffer("running_mean", Tensor.zeros(channels));
        runningVar = buffer("running_var", Tensor.ones(channels));
        numBatchesTracked = buffer("num_batches_tracked", Tensor.zeros());
    }

    /** x [B, C, L] or [B, C]. */
    public Tensor forward(Tensor x) {
        boolean training = isTraining();
        Tensor y = F.batchNorm1d(x, weight, bias, runningMean, runningVar, training, MOMENTUM, EPS);
        if (training) Norms.incrementInPlace(numBatchesTracked);
        return y;
    }
}
