package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.cpu.Parallel;

/**
 * Sum or max along one dimension of x viewed as [outer, dim, inner]: out[o, i] = op over d of
 * x[o, d, i]. Sums in double; max propagates NaN.
 */
public final class Reduce {
    private Reduce() {}

    public static void run(ReduceOp op, ArraySpan outs, ArraySpan xs, int outer, int dim, int inner) {
        float[] x = xs.array(), out = outs.array();
        int xOff = xs.offset(), outOff = outs.offset();
        boolean max = op == ReduceOp.MAX;
        int grain = Math.max(1, Grains.ELEMENTS / Math.max(dim, 1));
        if (inner == 1) {
            Parallel.range(outer, grain, (s, e) -> {
                for (int o = s; o < e; o++) {
                    int base = xOff + o * dim;
                    if (max) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int d = 0; d < dim; d++) { float v = x[base + d]; if (v > m || Float.isNaN(v)) m = v; }
                        out[outOff + o] = m;
                    } else {
                        double acc = 0;
                        for (int d = 0; d < dim; d++) acc += x[base + d];
                        out[outOff + o] = (float) acc;
                    }
                }
            });
            return;
        }
        Parallel.range(outer * inner, grain, (s, e) -> {
            for (int flat = s; flat < e; flat++) {
                int o = flat / inner, i = flat - o * inner;
                int base = xOff + o * dim * inner + i;
                if (max) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int d = 0; d < dim; d++) { float v = x[base + d * inner]; if (v > m || Float.isNaN(v)) m = v; }
                    out[outOff + flat] = m;
                } else {
                    double acc = 0;
                    for (int d = 0; d < dim; d++) acc += x[base + d * inner];
                    out[outOff + flat] = (float) acc;
                }
            }
        });
    }
}
