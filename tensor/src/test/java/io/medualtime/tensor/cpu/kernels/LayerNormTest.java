package io.medualtime.tensor.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.medualtime.tensor.cpu.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Layer norm's backward, vector and scalar, against a double-precision reference, on widths with and
 * without a scalar tail, with and without weight and parameter gradients.
 */
class LayerNormTest {
    private static final int[][] SHAPES = {{1, 7}, {5, 33}, {37, 768}, {300, 1027}, {3, 2048}};

    @Test void backwardMatchesTheDoubleReference() {
        Random r = new Random(1);
        for (int[] s : SHAPES)
            for (boolean affine : new boolean[]{true, false}) {
                Problem p = new Problem(r, s[0], s[1], affine);
                float[] gx = new float[p.n], gw = affine ? new float[p.cols] : null, gb = affine ? new float[p.cols] : null;
                LayerNorm.backward(gx, new ArrayAffine(gw, gb), p.gy, new ArraySpan(p.x, 3), p.stats, p.w, p.rows, p.cols);
                String what = s[0] + "x" + s[1] + (affine ? " affine" : "");
                p.check(gx, gw, gb, what);
            }
    }

    @Test void vectorRowsAgreeWithTheScalarReference() {
        Assumptions.assumeTrue(VectorSupport.available(), "Vector API not available");
        Random r = new Random(2);
        for (int[] s : SHAPES)
            for (boolean affine : new boolean[]{true, false}) {
                Problem p = new Problem(r, s[0], s[1], affine);
                float[] gxs = new float[p.n], gxv = new float[p.n];
                double[] lws = new double[p.cols], lbs = new double[p.cols], lwv = new double[p.cols], lbv = new double[p.cols];
                LayerNorm.backwardRows(p.rowsArgs(gxs), 0, p.rows, lws, lbs);
                LayerNorm.Vec.backwardRows(p.rowsArgs(gxv), 0, p.rows, lwv, lbv);
                String what = s[0] + "x" + s[1] + (affine ? " affine" : "");
                for (int i = 0; i < p.n; i++)
                    assertEquals(gxs[i], gxv[i], 1e-6 * (1 + Math.abs(gxs[i])), what + " gx[" + i + "]");
                assertArrayEquals(lws, lwv, what + " dw: each column's terms are added in the reference's order");
                assertArrayEquals(lbs, lbv, what + " db");
            }
    }

    /** A forward's inputs and saved statistics, a random upstream gradient, and the backward in double. */
    private static final class Problem {
        final int rows, cols, n;
        final float[] x, w, gy;
        final ArrayNormStats stats;

        Problem(Random r, int rows, int cols, boolean affine) {
            this.rows = rows;
            this.cols = cols;
            this.n = rows * cols;
            x = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 2 + 0.5);
            w = affine ? new float[cols] : null;
            if (affine) for (int c = 0; c < cols; c++) w[c] = (float) (1 + 0.3 * r.nextGaussian());
            gy = new float[n];
            for (int i = 0; i < n; i++) gy[i] = (float) r.nextGaussian();
            stats = new ArrayNormStats(new float[rows], new float[rows]);
            LayerNorm.forward(new float[n], stats, new ArraySpan(x, 3), new ArrayAffine(w, null), rows, cols, 1e-5f);
        }

        LayerNorm.Rows rowsArgs(float[] gx) { return new LayerNorm.Rows(gx, gy, new ArraySpan(x, 3), stats, w, cols); }

        void check(float[] gx, float[] gw, float[] gb, String what) {
            double[] dw = new double[cols], db = new double[cols];
            for (int r = 0; r < rows; r++) {
                double m = stats.mean()[r], rs = stats.rstd()[r], sumD = 0, sumDX = 0;
                double[] xhat = new double[cols], d = new double[cols];
                for (int c = 0; c < cols; c++) {
                    xhat[c] = (x[3 + r * cols + c] - m) * rs;
                    d[c] = gy[r * cols + c] * (w == null ? 1 : w[c]);
                    sumD += d[c];
                    sumDX += d[c] * xhat[c];
                    dw[c] += gy[r * cols + c] * xhat[c];
                    db[c] += gy[r * cols + c];
                }
                for (int c = 0; c < cols; c++) {
                    double want = rs * (d[c] - sumD / cols - xhat[c] * sumDX / cols);
                    assertEquals(want, gx[r * cols + c], 1e-5 * (1 + Math.abs(want)), what + " gx[" + r + "," + c + "]");
                }
            }
            if (gw == null) return;
            for (int c = 0; c < cols; c++) {
                double scale = Math.sqrt(rows) + Math.abs(dw[c]);
                assertTrue(Math.abs(dw[c] - gw[c]) <= 1e-5 * scale, what + " dw[" + c + "] " + gw[c] + " vs " + dw[c]);
                assertTrue(Math.abs(db[c] - gb[c]) <= 1e-5 * (Math.sqrt(rows) + Math.abs(db[c])), what + " db[" + c + "]");
            }
        }
    }
}
