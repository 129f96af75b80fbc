package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;

/**
 * Softmax and log-softmax over the last dimension of [rows, cols], one pass per row, forward next
 * to backward; the row sum is taken in double, so results do not depend on the thread split.
 */
public final class Softmax {
    private Softmax() {}

    /** y = softmax(x) (or log-softmax) per row. */
    public static void forward(boolean log, ArraySpan x, ArraySpan y, int rows, int cols) {
        float[] xa = x.array(), ya = y.array();
        int xo = x.offset(), yo = y.offset();
        boolean vec = VectorSupport.available();
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (vec) vectorRow(log, xa, xo + r * cols, ya, yo + r * cols, cols);
                else scalarRow(log, xa, xo + r * cols, ya, yo + r * cols, cols);
            }
        });
    }

    /** One row, the scalar reference. */
    static void scalarRow(boolean log, float[] x, int xb, float[] y, int yb, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) max = Math.max(max, x[xb + c]);
        if (max == Float.NEGATIVE_INFINITY) max = 0; // a fully masked row: avoid inf - inf
        double sum = 0;
        if (log) {
            for (int c = 0; c < cols; c++) sum += Math.exp(x[xb + c] - max);
            float lse = (float) (max + Math.log(sum));
            for (int c = 0; c < cols; c++) y[yb + c] = x[xb + c] - lse;
        } else {
            for (int c = 0; c < cols; c++) { float e = (float) Math.exp(x[xb + c] - max); y[yb + c] = e; sum += e; }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < cols; c++) y[yb + c] *= inv;
        }
    }

    /** One row with the Vector API. */
    static void vectorRow(boolean log, float[] x, int xb, float[] y, int yb, int cols) {
        float max = VectorRows.rowMax(x, xb, cols);
        if (max == Float.NEGATIVE_INFINITY) max = 0; // a fully masked row: avoid inf - inf
        if (log) {
            double sum = VectorRows.expShiftSum(x, xb, max, null, 0, cols);
            float lse = (float) (max + Math.log(sum));
            VectorRows.affineRow(x, xb, -lse, 1f, y, yb, cols);
        } else {
            double sum = VectorRows.expShiftSum(x, xb, max, y, yb, cols);
            VectorRows.scaleRow(y, yb, (float) (1.0 / sum), cols);
        }
    }

    /**
     * softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy). The softmax row
     * has a Vector API version; log-softmax (not on a model's hot path: cross-entropy is fused) runs
     * the scalar reference.
     */
    public static void backward(boolean log, ArraySpan y, ArraySpan gy, ArraySpan gx, int rows, int cols) {
        float[] ya = y.array(), ga = gy.array(), gxa = gx.array();
        int yo = y.offset(), go = gy.offset(), gxo = gx.offset();
        boolean vec = VectorSupport.available() && !log;
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (vec) vectorBackwardRow(ya, yo + r * cols, ga, go + r * cols, gxa, gxo + r * cols, cols);
                else scalarBackwardRow(log, ya, yo + r * cols, ga, go + r * cols, gxa, gxo + r * cols, cols);
            }
        });
    }

    /** One row of the backward, the scalar reference: the row sum in double. */
    static void scalarBackwardRow(boolean log, float[] y, int yb, float[] gy, int gb, float[] gx, int xb, int cols) {
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

    /**
     * One softmax row of the backward with the Vector API: sum(gy * y) in double lanes (see
     * {@link VectorRows#dotInDouble}), then gx by the scalar reference's operations.
     */
    static void vectorBackwardRow(float[] y, int yb, float[] gy, int gb, float[] gx, int xb, int cols) {
        float d = (float) VectorRows.dotInDouble(gy, gb, y, yb, cols);
        VectorRows.productOfDifference(y, yb, gy, gb, d, gx, xb, cols);
    }
}
