package io.medualtime.tensor.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.medualtime.tensor.cpu.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Softmax's backward (both forms) against a double-precision reference, and its vector row against the scalar one. */
class SoftmaxTest {
    private static final int[][] SHAPES = {{1, 5}, {7, 33}, {64, 256}, {9, 1500}, {2, 5000}};

    @Test void backwardMatchesTheDoubleReference() {
        Random r = new Random(1);
        for (int[] s : SHAPES)
            for (boolean log : new boolean[]{false, true}) {
                int rows = s[0], cols = s[1], n = rows * cols;
                float[] x = gaussian(r, n + 2, 3), y = new float[n + 1], gy = gaussian(r, n, 1), gx = new float[n + 3];
                Softmax.forward(new ArraySpan(y, 1), new ArraySpan(x, 2), rows, cols, log);
                Softmax.backward(new ArraySpan(gx, 3), new ArraySpan(y, 1), new ArraySpan(gy, 0), rows, cols, log);
                for (int i = 0; i < rows; i++) {
                    double dot = 0;
                    for (int c = 0; c < cols; c++) dot += log ? gy[i * cols + c] : (double) gy[i * cols + c] * y[1 + i * cols + c];
                    for (int c = 0; c < cols; c++) {
                        double yc = y[1 + i * cols + c], g = gy[i * cols + c];
                        double want = log ? g - Math.exp(yc) * dot : yc * (g - dot);
                        assertEquals(want, gx[3 + i * cols + c], 1e-6 * (1 + Math.abs(want) + Math.abs(dot)),
                                (log ? "log-softmax " : "softmax ") + rows + "x" + cols + " [" + i + "," + c + "]");
                    }
                }
            }
    }

    @Test void vectorRowsAgreeWithTheScalarReference() {
        Assumptions.assumeTrue(VectorSupport.available(), "Vector API not available");
        Random r = new Random(2);
        for (int[] s : SHAPES) {
            int cols = s[1];
            float[] x = gaussian(r, cols, 3), ys = new float[cols], yv = new float[cols], gy = gaussian(r, cols, 1);
            for (boolean log : new boolean[]{false, true}) {
                Softmax.scalarRow(ys, 0, x, 0, cols, log);
                Softmax.vectorRow(yv, 0, x, 0, cols, log);
                for (int c = 0; c < cols; c++)
                    assertEquals(ys[c], yv[c], 2e-6 * (1 + Math.abs(ys[c])), "forward " + log + " " + cols + " [" + c + "]");
            }
            Softmax.scalarRow(ys, 0, x, 0, cols, false);
            float[] gs = new float[cols], gv = new float[cols];
            Softmax.scalarBackwardRow(gs, 0, ys, 0, gy, 0, cols, false);
            Softmax.vectorBackwardRow(gv, 0, ys, 0, gy, 0, cols);
            for (int c = 0; c < cols; c++) assertEquals(gs[c], gv[c], 1e-6 * (1 + Math.abs(gs[c])), "backward " + cols + " [" + c + "]");
        }
    }

    private static float[] gaussian(Random r, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * sd);
        return a;
    }
}
