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
    public static void forward(ArraySpan y, ArraySpan x, int rows, int cols, boolean log) {
        float[] xa = x.array(), ya = y.array();
        int xo = x.offset(), yo = y.offset();
        boolean vec = VectorSupport.available();
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (vec) vectorRow(ya, yo + r * cols, xa, xo + r * cols, cols, log);
                else scalarRow(ya, yo + r * cols, xa, xo + r * cols, cols, log);
            }
        });
    }

    /** One row, the scalar reference. */
    static void scalarRow(float[] y, int yb, float[] x, int xb, int cols, boolean log) {
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
    static void vectorRow(float[] y, int yb, float[] x, int xb, int cols, boolean log) {
        float max = VectorRows.rowMax(x, xb, cols);
        if (max == Float.NEGATIVE_INFINITY) max = 0; // a fully masked row: avoid inf - inf
        if (log) {
            double sum = VectorRows.expShiftSum(null, 0, x, xb, cols, max);
            float lse = (float) (max + Math.log(sum));
            VectorRows.affineRow(y, yb, x, xb, cols, -lse, 1f);
        } else {
            double sum = VectorRows.expShiftSum(y, yb, x, xb, cols, max);
            VectorRows.scaleRow(y, yb, cols, (float) (1.0 / sum));
        }
    }

    /**
     * softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy). The softmax row
     * has a Vector API version; log-softmax (not on a model's hot path: cross-entropy is fused) runs
     * the scalar reference.
     */
    public static void backward(ArraySpan gx, ArraySpan y, ArraySpan gy, int rows, int cols, boolean log) {
        float[] ya = y.array(), ga = gy.array(), gxa = gx.array();
        int yo = y.offset(), go = gy.offset(), gxo = gx.offset();
        boolean vec = VectorSupport.available() && !log;
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (vec) vectorBackwardRow(gxa, gxo + r * cols, ya, yo + r * cols, ga, go + r * cols, cols);
                else scalarBackwardRow(gxa, gxo + r * cols, ya, yo + r * cols, ga, go + r * cols, cols, log);
            }
        });
    }

    /** One row of the backward, the scalar reference: the row sum in double. */
    static void scalarBackwardRow(float[] gx, int xb, float[] y, int yb, float[] gy, int gb, int cols, boolean log) {
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
    static void vectorBackwardRow(float[] gx, int xb, float[] y, int yb, float[] gy, int gb, int cols) {
        float d = (float) VectorRows.dotInDouble(gy, gb, y, yb, cols);
        VectorRows.productOfDifference(gx, xb, y, yb, gy, gb, cols, d);
    }
}
