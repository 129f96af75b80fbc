package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cross-entropy of logits [rows, cols] against target class ids, forward next to backward: per
 * row, lse = log(sum(exp(x))) (max-shifted, summed in double) and loss = lse - x[target]; rows
 * whose target is the ignore index get loss 0 and gradient 0.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** loss[r] and lse[r] (saved for the backward) per row. */
    public static void forward(float[] loss, float[] lse, ArraySpan logits, int[] targets, int ignore, int rows, int cols) {
        float[] x = logits.array();
        int lo = logits.offset();
        boolean vec = VectorSupport.available();
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = lo + r * cols;
                float max;
                double sum = 0;
                if (vec) {
                    max = VectorRows.rowMax(x, base, cols);
                    sum = VectorRows.expShiftSum(null, 0, x, base, cols, max);
                } else {
                    max = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < cols; c++) max = Math.max(max, x[base + c]);
                    for (int c = 0; c < cols; c++) sum += Math.exp(x[base + c] - max);
                }
                float l = (float) (max + Math.log(sum));
                lse[r] = l;
                loss[r] = targets[r] == ignore ? 0f : l - x[base + targets[r]];
            }
        });
    }

    /** g (from index 0) = (softmax(x) - onehot(target)) * scale per row. */
    public static void backward(float[] g, ArraySpan logits, float[] lse, int[] targets, int ignore, int rows, int cols, float scale) {
        float[] x = logits.array();
        int lo = logits.offset();
        boolean vec = VectorSupport.available();
        Parallel.range(rows, Grains.rows(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = lo + r * cols, gbase = r * cols;
                if (targets[r] == ignore) { java.util.Arrays.fill(g, gbase, gbase + cols, 0f); continue; }
                float l = lse[r];
                if (vec) Vec.expScaled(g, gbase, x, base, cols, l, scale);
                else for (int c = 0; c < cols; c++) g[gbase + c] = (float) Math.exp(x[base + c] - l) * scale;
                g[gbase + targets[r]] -= scale;
            }
        });
    }

    /** The Vector API loop (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;

        /** g[i] = exp(x[i] - shift) * scale. */
        static void expScaled(float[] g, int go, float[] x, int o, int n, float shift, float scale) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length())
                VectorMath.expNonPositive(FloatVector.fromArray(S, x, o + i).sub(shift)).mul(scale).intoArray(g, go + i);
            for (; i < n; i++) g[go + i] = (float) Math.exp(x[o + i] - shift) * scale;
        }
    }
}
