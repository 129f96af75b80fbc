package io.medualtime.tensor.cpu;

/**
 * Fused CPU kernels of the neural-network ops, one pass per row: softmax / log-softmax,
 * layer norm, cross-entropy, AdamW. Each forward sits next to its backward. Row statistics
 * are accumulated in double so results do not depend on the thread split.
 */
final class CpuNnKernels {
    private CpuNnKernels() {}

    private static int rowGrain(int cols) { return Math.max(1, 8192 / Math.max(cols, 1)); }

    // ---- softmax -------------------------------------------------------------------------------
    static void softmax(boolean log, float[] x, int xo, float[] y, int yo, int rows, int cols) {
        boolean vec = VectorSupport.available();
        Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xb = xo + r * cols, yb = yo + r * cols;
                float max = vec ? VectorKernels.rowMax(x, xb, cols) : Float.NEGATIVE_INFINITY;
                if (!vec) for (int c = 0; c < cols; c++) max = Math.max(max, x[xb + c]);
                if (max == Float.NEGATIVE_INFINITY) max = 0; // a fully masked row: avoid inf - inf
                if (log) {
                    double sum = vec ? VectorKernels.expShiftSum(x, xb, max, null, 0, cols) : 0;
                    if (!vec) for (int c = 0; c < cols; c++) sum += Math.exp(x[xb + c] - max);
                    float lse = (float) (max + Math.log(sum));
                    if (vec) VectorKernels.affineRow(x, xb, -lse, 1f, y, yb, cols);
                    else for (int c = 0; c < cols; c++) y[yb + c] = x[xb + c] - lse;
                } else {
                    double sum = vec ? VectorKernels.expShiftSum(x, xb, max, y, yb, cols) : 0;
                    if (!vec) for (int c = 0; c < cols; c++) { float e = (float) Math.exp(x[xb + c] - max); y[yb + c] = e; sum += e; }
                    float inv = (float) (1.0 / sum);
                    if (vec) VectorKernels.scaleRow(y, yb, inv, cols);
                    else for (int c = 0; c < cols; c++) y[yb + c] *= inv;
                }
            }
        });
    }

    /** softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy). */
    static void softmaxBackward(boolean log, float[] y, int yo, float[] gy, int go, float[] gx, int gxo, int rows, int cols) {
        Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yb = yo + r * cols, gb = go + r * cols, xb = gxo + r * cols;
                double dot = 0;
                if (log) {
                    for (int c = 0; c < cols; c++) dot += gy[gb + c];
                    for (int c = 0; c < cols; c++) gx[xb + c] = (float) (gy[gb + c] - Math.exp(y[yb + c]) * dot);
                } else {
                    for (int c = 0; c < cols; c++) dot += gy[gb + c] * y[yb + c];
                    float d = (float) dot;
                    for (int c = 0; c < cols; c++) gx[xb + c] = y[yb + c] * (gy[gb + c] - d);
                }
            }
        });
    }

    // ---- batch norm (training statistics) ------------------------------------------------------
    /**
     * Per channel c of x [B, C, L]: mean and invstd = 1/sqrt(biased var + eps) over its N = B*L
     * values (two passes, in double); running stats move by momentum toward mean and the unbiased
     * variance; y = (x - mean) * invstd * w + b.
     */
    static void batchNorm(float[] x, int xo, float[] w, float[] b, float eps, float momentum, float[] runMean, float[] runVar,
                          float[] y, float[] mean, float[] invstd, int batch, int channels, int len) {
        long n = (long) batch * len;
        boolean vec = VectorSupport.available();
        Parallel.range(channels, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double s = 0;
                for (int i = 0; i < batch; i++) {
                    int o = xo + (i * channels + c) * len;
                    if (vec) s += VectorKernels.rowMoment(x, o, len, 0f, false);
                    else for (int l = 0; l < len; l++) s += x[o + l];
                }
                double mu = s / n, v = 0;
                for (int i = 0; i < batch; i++) {
                    int o = xo + (i * channels + c) * len;
                    if (vec) v += VectorKernels.rowMoment(x, o, len, (float) mu, true);
                    else for (int l = 0; l < len; l++) { double d = x[o + l] - mu; v += d * d; }
                }
                mean[c] = (float) mu;
                invstd[c] = (float) (1.0 / Math.sqrt(v / n + eps));
                if (runMean != null) {
                    runMean[c] = (1 - momentum) * runMean[c] + momentum * (float) mu;
                    runVar[c] = (1 - momentum) * runVar[c] + momentum * (float) (v / Math.max(n - 1, 1));
                }
            }
        });
        Parallel.range(batch * channels, rowGrain(len), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int c = r % channels, o = xo + r * len, yo = r * len;
                float m = mean[c], scale = invstd[c] * (w == null ? 1f : w[c]), shift = b == null ? 0f : b[c];
                for (int l = 0; l < len; l++) y[yo + l] = (x[o + l] - m) * scale + shift;
            }
        });
    }

    /**
     * dx = w * invstd * (dy - sum(dy)/N - xhat * sum(dy * xhat)/N), per channel over its N values;
     * dw += sum(dy * xhat), db += sum(dy) (each may be null).
     */
    static void batchNormBackward(float[] x, int xo, float[] w, float[] mean, float[] invstd, float[] gy,
                                  float[] gx, float[] gw, float[] gb, int batch, int channels, int len) {
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
                        sd += VectorKernels.rowMoment(gy, o, len, 0f, false);
                        sdx += VectorKernels.rowCenteredDot(gy, o, x, xo + o, m, len);
                    } else for (int l = 0; l < len; l++) {
                        float g = gy[o + l];
                        sd += g;
                        sdx += g * (x[xo + o + l] - m);
                    }
                }
                sumDy[c] = (float) sd;
                sumDyXhat[c] = (float) (sdx * rs);
            }
        });
        Parallel.range(batch * channels, rowGrain(len), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int c = r % channels, o = r * len;
                float m = mean[c], rs = invstd[c], k = (w == null ? 1f : w[c]) * rs;
                float meanDy = sumDy[c] / n, meanDyXhat = sumDyXhat[c] / n;
                for (int l = 0; l < len; l++) gx[o + l] = k * (gy[o + l] - meanDy - (x[xo + o + l] - m) * rs * meanDyXhat);
            }
        });
        for (int c = 0; c < channels; c++) {
            if (gw != null) gw[c] = sumDyXhat[c];
            if (gb != null) gb[c] = sumDy[c];
        }
    }

    // ---- layer norm ------------------------------------------------------------------------------
    static void layerNorm(float[] x, int xo, float[] w, float[] b, float eps, float[] y, float[] mean, float[] rstd, int rows, int cols) {
        if (VectorSupport.available()) {        // a lambda of its own (see CpuBackend.unary's GELU)
            Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int xb = xo + r * cols;
                    float mu = (float) (VectorKernels.rowMoment(x, xb, cols, 0f, false) / cols);
                    double v = VectorKernels.rowMoment(x, xb, cols, mu, true) / cols;
                    float rs = (float) (1.0 / Math.sqrt(v + eps));
                    mean[r] = mu;
                    rstd[r] = rs;
                    VectorKernels.normalizeRow(x, xb, mu, rs, w, b, y, r * cols, cols);
                }
            });
            return;
        }
        Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xb = xo + r * cols, yb = r * cols;
                double s = 0;
                for (int c = 0; c < cols; c++) s += x[xb + c];
                double mu = s / cols, v = 0;
                for (int c = 0; c < cols; c++) { double d = x[xb + c] - mu; v += d * d; }
                float m = (float) mu, rs = (float) (1.0 / Math.sqrt(v / cols + eps));
                mean[r] = m;
                rstd[r] = rs;
                for (int c = 0; c < cols; c++) {
                    float n = (x[xb + c] - m) * rs;
                    if (w != null) n *= w[c];
                    if (b != null) n += b[c];
                    y[yb + c] = n;
                }
            }
        });
    }

    /**
     * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = gy * w;
     * dw += sum over rows of gy * xhat, db += sum of gy. The parameter sums are reduced per
     * thread chunk then added in chunk order (deterministic for a thread count).
     */
    static void layerNormBackward(float[] x, int xo, float[] w, float[] mean, float[] rstd, float[] gy,
                                  float[] gx, float[] gw, float[] gb, int rows, int cols) {
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

    // ---- cross-entropy ---------------------------------------------------------------------------
    static void crossEntropy(float[] logits, int lo, int[] targets, int ignore, float[] loss, float[] lse, int rows, int cols) {
        boolean vec = VectorSupport.available();
        Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = lo + r * cols;
                float max;
                double sum = 0;
                if (vec) {
                    max = VectorKernels.rowMax(logits, base, cols);
                    sum = VectorKernels.expShiftSum(logits, base, max, null, 0, cols);
                } else {
                    max = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) max = Math.max(max, logits[base + c]);
                    for (int c = 0; c < cols; c++) sum += Math.exp(logits[base + c] - max);
                }
                float l = (float) (max + Math.log(sum));
                lse[r] = l;
                loss[r] = targets[r] == ignore ? 0f : l - logits[base + targets[r]];
            }
        });
    }

    static void crossEntropyBackward(float[] logits, int lo, float[] lse, int[] targets, int ignore, float scale, float[] g, int rows, int cols) {
        boolean vec = VectorSupport.available();
        Parallel.range(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = lo + r * cols, gbase = r * cols;
                if (targets[r] == ignore) { java.util.Arrays.fill(g, gbase, gbase + cols, 0f); continue; }
                float l = lse[r];
                if (vec) VectorKernels.expScaled(logits, base, l, scale, g, gbase, cols);
                else for (int c = 0; c < cols; c++) g[gbase + c] = (float) Math.exp(logits[base + c] - l) * scale;
                g[gbase + targets[r]] -= scale;
            }
        });
    }

    // ---- AdamW ---------------------------------------------------------------------------------
    /** PyTorch's AdamW step: decay, moments, then p -= (lr / bias1) * m / (sqrt(v) / sqrt(bias2) + eps). */
    static void adamw(float[] p, float[] g, float[] m, float[] v, int n, float lr, float b1, float b2,
                      float eps, float wd, float bias1, float bias2) {
        float stepSize = lr / bias1, sqrtBias2 = (float) Math.sqrt(bias2), decay = 1 - lr * wd;
        Parallel.range(n, 1 << 14, (s, e) -> {
            if (VectorSupport.available()) { VectorKernels.adamw(p, g, m, v, s, e, b1, b2, eps, stepSize, sqrtBias2, decay); return; }
            for (int i = s; i < e; i++) {
                float gi = g[i];
                float mi = m[i] = b1 * m[i] + (1 - b1) * gi;
                float vi = v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                p[i] = p[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) / sqrtBias2 + eps);
            }
        });
    }
}
