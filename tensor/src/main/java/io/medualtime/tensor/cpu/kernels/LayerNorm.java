package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm over the last dimension of [rows, cols]: y = (x - mean) * rstd * w + b per row, with
 * rstd = 1 / sqrt(biased variance + eps); forward and backward, each a scalar reference and a
 * Vector API version. Row statistics are accumulated in double.
 */
public final class LayerNorm {
    private LayerNorm() {}

    /** y (from index 0) = the normalised rows of x; the mean and rstd of each row go to {@code stats}. */
    public static void forward(Span x, Affine p, float eps, float[] y, NormStats stats, int rows, int cols) {
        float[] xa = x.array(), w = p.weight(), b = p.bias(), mean = stats.mean(), rstd = stats.rstd();
        int xo = x.offset();
        if (VectorSupport.available()) {        // a lambda of its own (see Gelu.backward)
            Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int xb = xo + r * cols;
                    float mu = (float) (VectorRows.rowMoment(xa, xb, cols, 0f, false) / cols);
                    double v = VectorRows.rowMoment(xa, xb, cols, mu, true) / cols;
                    float rs = (float) (1.0 / Math.sqrt(v + eps));
                    mean[r] = mu;
                    rstd[r] = rs;
                    Vec.normalizeRow(xa, xb, mu, rs, p, y, r * cols, cols);
                }
            });
            return;
        }
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xb = xo + r * cols, yb = r * cols;
                double s = 0;
                for (int c = 0; c < cols; c++) s += xa[xb + c];
                double mu = s / cols, v = 0;
                for (int c = 0; c < cols; c++) { double d = xa[xb + c] - mu; v += d * d; }
                float m = (float) mu, rs = (float) (1.0 / Math.sqrt(v / cols + eps));
                mean[r] = m;
                rstd[r] = rs;
                for (int c = 0; c < cols; c++) {
                    float n = (xa[xb + c] - m) * rs;
                    if (w != null) n *= w[c];
                    if (b != null) n += b[c];
                    y[yb + c] = n;
                }
            }
        });
    }

    /**
     * gx (from index 0) = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = gy * w;
     * grads' weight = sum over rows of gy * xhat, bias = sum of gy (each may be null; overwritten).
     * The parameter sums are reduced per thread chunk then added in chunk order (deterministic for a
     * thread count).
     */
    public static void backward(Span x, float[] w, NormStats stats, float[] gy, float[] gx, Affine grads, int rows, int cols) {
        float[] xa = x.array(), mean = stats.mean(), rstd = stats.rstd(), gw = grads.weight(), gb = grads.bias();
        int xo = x.offset();
        int chunks = Math.max(1, Math.min(Parallel.threads(), rows));
        double[][] pw = new double[chunks][], pb = new double[chunks][];
        Parallel.range(chunks, 1, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int r0 = (int) ((long) rows * k / chunks), r1 = (int) ((long) rows * (k + 1) / chunks);
                double[] lw = gw == null ? null : new double[cols], lb = gb == null ? null : new double[cols];
                for (int r = r0; r < r1; r++) {
                    int xb = xo + r * cols, gbase = r * cols;
                    float m = mean[r], rs = rstd[r];
                    double sumD = 0, sumDX = 0;
                    for (int c = 0; c < cols; c++) {
                        float xhat = (xa[xb + c] - m) * rs;
                        float d = gy[gbase + c] * (w == null ? 1f : w[c]);
                        sumD += d;
                        sumDX += d * xhat;
                        if (lw != null) lw[c] += gy[gbase + c] * xhat;
                        if (lb != null) lb[c] += gy[gbase + c];
                    }
                    float meanD = (float) (sumD / cols), meanDX = (float) (sumDX / cols);
                    for (int c = 0; c < cols; c++) {
                        float xhat = (xa[xb + c] - m) * rs;
                        float d = gy[gbase + c] * (w == null ? 1f : w[c]);
                        gx[gbase + c] = rs * (d - meanD - xhat * meanDX);
                    }
                }
                pw[k] = lw;
                pb[k] = lb;
            }
        });
        for (int c = 0; c < cols; c++) {
            double sw = 0, sb = 0;
            for (int k = 0; k < chunks; k++) {
                if (gw != null) sw += pw[k][c];
                if (gb != null) sb += pb[k][c];
            }
            if (gw != null) gw[c] = (float) sw;
            if (gb != null) gb[c] = (float) sb;
        }
    }

    /** The Vector API loops (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;

        /** y[i] = (x[i] - mean) * rs * w[i] + b[i] over a row; w and b may be null. */
        static void normalizeRow(float[] x, int o, float mean, float rs, Affine p, float[] y, int yo, int n) {
            float[] w = p.weight(), b = p.bias();
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, o + i).sub(mean).mul(rs);
                if (w != null) v = v.mul(FloatVector.fromArray(S, w, i));
                if (b != null) v = v.add(FloatVector.fromArray(S, b, i));
                v.intoArray(y, yo + i);
            }
            for (; i < n; i++) {
                float v = (x[o + i] - mean) * rs;
                if (w != null) v *= w[i];
                if (b != null) v += b[i];
                y[yo + i] = v;
            }
        }
    }
}
