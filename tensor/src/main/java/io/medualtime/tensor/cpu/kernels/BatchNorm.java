package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;

/**
 * Batch norm with training statistics over x [batch, channels, length]: per channel, the mean and
 * invstd = 1 / sqrt(biased variance + eps) over its batch * length values (in double), forward next
 * to backward.
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** Running statistics moved by {@code momentum} toward each batch's mean and unbiased variance. */
    public record Running(float[] mean, float[] var, float momentum) {}

    /**
     * stats = each channel's mean and invstd (two passes); {@code run} (may be null) moves toward them;
     * y (from index 0) = (x - mean) * invstd * w + b.
     */
    public static void forward(float[] y, ArrayNormStats stats, ArraySpan x, ArrayAffine p, Running run, ChannelShape shape, float eps) {
        float[] xa = x.array(), w = p.weight(), b = p.bias(), mean = stats.mean(), invstd = stats.rstd();
        int xo = x.offset(), batch = shape.batch(), channels = shape.channels(), len = shape.length();
        long n = (long) batch * len;
        boolean vec = VectorSupport.available();
        Parallel.range(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double s = 0;
                for (int i = 0; i < batch; i++) {
                    int o = xo + (i * channels + c) * len;
                    if (vec) s += VectorRows.rowMoment(xa, o, len, 0f, false);
                    else for (int l = 0; l < len; l++) s += xa[o + l];
                }
                double mu = s / n, v = 0;
                for (int i = 0; i < batch; i++) {
                    int o = xo + (i * channels + c) * len;
                    if (vec) v += VectorRows.rowMoment(xa, o, len, (float) mu, true);
                    else for (int l = 0; l < len; l++) { double d = xa[o + l] - mu; v += d * d; }
                }
                mean[c] = (float) mu;
                invstd[c] = (float) (1.0 / Math.sqrt(v / n + eps));
                if (run != null) {
                    float momentum = run.momentum();
                    run.mean()[c] = (1 - momentum) * run.mean()[c] + momentum * (float) mu;
                    run.var()[c] = (1 - momentum) * run.var()[c] + momentum * (float) (v / Math.max(n - 1, 1));
                }
            }
        });
        Parallel.range(batch * channels, Grains.rows(len), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int c = r % channels, o = xo + r * len, yo = r * len;
                float m = mean[c], scale = invstd[c] * (w == null ? 1f : w[c]), shift = b == null ? 0f : b[c];
                for (int l = 0; l < len; l++) y[yo + l] = (xa[o + l] - m) * scale + shift;
            }
        });
    }

    /**
     * gx (from index 0) = w * invstd * (gy - sum(gy)/N - xhat * sum(gy * xhat)/N), per channel over
     * its N values; grads' weight = sum(gy * xhat), bias = sum(gy) (each may be null; overwritten).
     */
    public static void backward(float[] gx, ArrayAffine grads, float[] gy, ArraySpan x, ArrayNormStats stats, float[] w,
            ChannelShape shape) {
        float[] xa = x.array(), mean = stats.mean(), invstd = stats.rstd();
        int xo = x.offset(), batch = shape.batch(), channels = shape.channels(), len = shape.length();
        long n = (long) batch * len;
        boolean vec = VectorSupport.available();
        float[] sumDy = new float[channels], sumDyXhat = new float[channels];
        Parallel.range(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float m = mean[c], rs = invstd[c];
                double sd = 0, sdx = 0;
                for (int i = 0; i < batch; i++) {
                    int o = (i * channels + c) * len;
                    if (vec) {          // sum(dy * xhat) = invstd * sum(dy * (x - mean))
                        sd += VectorRows.rowMoment(gy, o, len, 0f, false);
                        sdx += VectorRows.rowCenteredDot(gy, o, xa, xo + o, len, m);
                    } else for (int l = 0; l < len; l++) {
                        float g = gy[o + l];
                        sd += g;
                        sdx += g * (xa[xo + o + l] - m);
                    }
                }
                sumDy[c] = (float) sd;
                sumDyXhat[c] = (float) (sdx * rs);
            }
        });
        Parallel.range(batch * channels, Grains.rows(len), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int c = r % channels, o = r * len;
                float m = mean[c], rs = invstd[c], k = (w == null ? 1f : w[c]) * rs;
                float meanDy = sumDy[c] / n, meanDyXhat = sumDyXhat[c] / n;
                for (int l = 0; l < len; l++) gx[o + l] = k * (gy[o + l] - meanDy - (xa[xo + o + l] - m) * rs * meanDyXhat);
            }
        });
        for (int c = 0; c < channels; c++) {
            if (grads.weight() != null) grads.weight()[c] = sumDyXhat[c];
            if (grads.bias() != null) grads.bias()[c] = sumDy[c];
        }
    }
}
