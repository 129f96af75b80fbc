package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.ChannelShape;

/** Launchers of kernels/batchnorm.ptx: training-mode batch norm over x[batch, channels, length]. */
final class BatchNormKernels {
    private static final String PTX = "batchnorm";

    private BatchNormKernels() {}

    /** Device addresses of the running mean and variance a training step updates; 0: none. */
    record Running(long mean, long var) {}

    /** The batch statistics per channel into {@code stats}; the running mean / variance move by momentum. */
    static void batchNormStats(DeviceNormStats stats, long x, ChannelShape s, float eps, Running running, float momentum) {
        Launch.rowBlocks(PTX, "bn_stats", s.channels(), stats.mean(), stats.invStd(), x, s.batch(), s.channels(), s.length(), eps,
                running.mean(), running.var(), momentum);
    }

    /** out = (x - mean) * invstd * w + b per channel; w, b may be 0. */
    static void batchNormApply(long out, long x, DeviceNormStats stats, DeviceAffine wb, ChannelShape s) {
        Launch.gridStride(PTX, "bn_apply", s.numel(), out, x, stats.mean(), stats.invStd(), wb.weight(), wb.bias(), s.batch(),
                s.channels(), s.length());
    }

    /** Training-mode backward: the weight and bias gradients (both required, overwritten), then dx (0: not wanted). */
    static void batchNormBackward(long dx, DeviceAffine grads, long dy, long x, DeviceNormStats stats, long w, ChannelShape s) {
        Launch.rowBlocks(PTX, "bn_bwd_reduce", s.channels(), grads.weight(), grads.bias(), dy, x, stats.mean(), stats.invStd(),
                s.batch(), s.channels(), s.length());
        if (dx != 0)
            Launch.gridStride(PTX, "bn_bwd_dx", s.numel(), dx, dy, x, stats.mean(), stats.invStd(), w, grads.weight(), grads.bias(),
                    s.batch(), s.channels(), s.length());
    }
}
