package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm over the last dimension of [rows, cols]: y = (x - mean) * rstd * w + b per row, with
 * rstd = 1 / sqrt(biased variance + eps); forward and backward, each a scalar reference and a
 * Vector API version. Row statistics are accumulated in double.
 */
public final class LayerNorm {
    private LayerNorm() {}

    /** y (from index 0) = the normalised rows of x; the mean and rstd of each row go to {@code stats}. */
    public static void forward(float[] y, ArrayNormStats stats, ArraySpan x, ArrayAffine p, int rows, int cols, float eps) {
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
                    Vec.normalizeRow(y, r * cols, xa, xb, p, cols, mu, rs);
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
     * The parameter sums are reduced per thread chunk in double, then added in chunk order
     * (deterministic for a thread count).
     */
    public static void backward(float[] gx, ArrayAffine grads, float[] gy, ArraySpan x, ArrayNormStats stats, float[] w, int rows,
            int cols) {
        float[] gw = grads.weight(), gb = grads.bias();
        Rows a = new Rows(gx, gy, x, stats, w, cols);
        boolean vec = VectorSupport.available();
        int chunks = Math.max(1, Math.min(Parallel.threads(), rows));
        double[][] pw = new double[chunks][], pb = new double[chunks][];
        Parallel.range(chunks, 1, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int r0 = (int) ((long) rows * k / chunks), r1 = (int) ((long) rows * (k + 1) / chunks);
                double[] lw = gw == null ? null : new double[cols], lb = gb == null ? null : new double[cols];
                if (vec) Vec.backwardRows(a, r0, r1, lw, lb);
                else backwardRows(a, r0, r1, lw, lb);
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

    /** The arguments of the backward that every row shares. */
    record Rows(float[] gx, float[] gy, ArraySpan x, ArrayNormStats stats, float[] w, int cols) {}

    /**
     * The scalar reference of the backward over rows [r0, r1): row sums in double, and each row's
     * gy * xhat and gy added into lw and lb (null: not wanted).
     */
    static void backwardRows(Rows a, int r0, int r1, double[] lw, double[] lb) {
        float[] x = a.x().array(), w = a.w(), mean = a.stats().mean(), rstd = a.stats().rstd(), gy = a.gy(), gx = a.gx();
        int xo = a.x().offset(), cols = a.cols();
        for (int r = r0; r < r1; r++) {
            int xb = xo + r * cols, gbase = r * cols;
            float m = mean[r], rs = rstd[r];
            double sumD = 0, sumDX = 0;
            for (int c = 0; c < cols; c++) {
                float xhat = (x[xb + c] - m) * rs;
                float d = gy[gbase + c] * (w == null ? 1f : w[c]);
                sumD += d;
                sumDX += d * xhat;
                if (lw != null) lw[c] += gy[gbase + c] * xhat;
                if (lb != null) lb[c] += gy[gbase + c];
            }
            float meanD = (float) (sumD / cols), meanDX = (float) (sumDX / cols);
            for (int c = 0; c < cols; c++) {
                float xhat = (x[xb + c] - m) * rs;
                float d = gy[gbase + c] * (w == null ? 1f : w[c]);
                gx[gbase + c] = rs * (d - meanD - xhat * meanDX);
            }
        }
    }

    /** The Vector API loops (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;
        private static final VectorSpecies<Double> D = VectorRows.D;

        /** y[i] = (x[i] - mean) * rs * w[i] + b[i] over a row; w and b may be null. */
        static void normalizeRow(float[] y, int yo, float[] x, int o, ArrayAffine p, int n, float mean, float rs) {
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

        /**
         * {@link LayerNorm#backwardRows} with vectors. Every sum is taken in double lanes, each term
         * the float the scalar reference computes, widened: the column sums (dw, db) are bitwise the
         * reference's (each column's terms are added in the same row order), the row sums differ only
         * in their order of addition, so the floats they round to almost always agree. gx is computed
         * with the reference's float operations (no FMA). One loop per pass, no vector helpers: in JDK
         * 17, with the sums split into helper loops C2 ran out of inlining budget and boxed the vectors.
         */
        static void backwardRows(Rows a, int r0, int r1, double[] lw, double[] lb) {
            float[] x = a.x().array(), mean = a.stats().mean(), rstd = a.stats().rstd(), gy = a.gy(), gx = a.gx();
            int xo = a.x().offset(), cols = a.cols(), bound = S.loopBound(cols), half = D.length();
            float[] w = a.w() != null ? a.w() : ones(cols);      // a vector chosen per element would be boxed (see Unary.Vec)
            double[] cw = lw != null ? lw : new double[cols], cb = lb != null ? lb : new double[cols];
            double[] lanes = new double[4 * half];
            for (int r = r0; r < r1; r++) {
                int xb = xo + r * cols, gbase = r * cols;
                float m = mean[r], rs = rstd[r];
                DoubleVector d0 = DoubleVector.zero(D), d1 = DoubleVector.zero(D), e0 = DoubleVector.zero(D), e1 = DoubleVector.zero(D);
                int c = 0;
                for (; c < bound; c += S.length()) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xb + c).sub(m).mul(rs);
                    FloatVector g = FloatVector.fromArray(S, gy, gbase + c);
                    FloatVector d = g.mul(FloatVector.fromArray(S, w, c)), dx = d.mul(xhat), gxh = g.mul(xhat);
                    d0 = d0.add((DoubleVector) d.convertShape(VectorOperators.F2D, D, 0));
                    d1 = d1.add((DoubleVector) d.convertShape(VectorOperators.F2D, D, 1));
                    e0 = e0.add((DoubleVector) dx.convertShape(VectorOperators.F2D, D, 0));
                    e1 = e1.add((DoubleVector) dx.convertShape(VectorOperators.F2D, D, 1));
                    DoubleVector.fromArray(D, cw, c).add((DoubleVector) gxh.convertShape(VectorOperators.F2D, D, 0)).intoArray(cw, c);
                    DoubleVector.fromArray(D, cw, c + half).add((DoubleVector) gxh.convertShape(VectorOperators.F2D, D, 1)).intoArray(cw,
                            c + half);
                    DoubleVector.fromArray(D, cb, c).add((DoubleVector) g.convertShape(VectorOperators.F2D, D, 0)).intoArray(cb, c);
                    DoubleVector.fromArray(D, cb, c + half).add((DoubleVector) g.convertShape(VectorOperators.F2D, D, 1)).intoArray(cb,
                            c + half);
                }
                d0.intoArray(lanes, 0);
                d1.intoArray(lanes, half);
                e0.intoArray(lanes, 2 * half);
                e1.intoArray(lanes, 3 * half);
                double sumD = 0, sumDX = 0;
                for (int l = 0; l < 2 * half; l++) { sumD += lanes[l]; sumDX += lanes[2 * half + l]; }
                for (; c < cols; c++) {
                    float xhat = (x[xb + c] - m) * rs, g = gy[gbase + c], d = g * w[c];
                    sumD += d;
                    sumDX += d * xhat;
                    cw[c] += g * xhat;
                    cb[c] += g;
                }
                float meanD = (float) (sumD / cols), meanDX = (float) (sumDX / cols);
                for (c = 0; c < bound; c += S.length()) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xb + c).sub(m).mul(rs);
                    FloatVector d = FloatVector.fromArray(S, gy, gbase + c).mul(FloatVector.fromArray(S, w, c));
                    d.sub(meanD).sub(xhat.mul(meanDX)).mul(rs).intoArray(gx, gbase + c);
                }
                for (; c < cols; c++) {
                    float xhat = (x[xb + c] - m) * rs, d = gy[gbase + c] * w[c];
                    gx[gbase + c] = rs * (d - meanD - xhat * meanDX);
                }
            }
        }

        private static float[] ones(int n) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, 1f);
            return a;
        }
    }
}
