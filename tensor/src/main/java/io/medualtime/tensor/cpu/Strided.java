package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.View;

/**
 * Walks up to three strided views of the same shape in row-major order, in parallel over
 * contiguous ranges of the flat output index. The body gets each run of the last dim at once so
 * the inner loop is a plain strided loop the JIT can optimise.
 */
final class Strided {
    private Strided() {}

    /** One run of the last dim: n elements starting at flat output index outIndex. */
    interface Run {
        void run(int outIndex, int aOff, int aStride, int bOff, int bStride, int cOff, int cStride, int n);
    }

    static void forEach(int[] shape, View a, View b, View c, Run body) { forEach(shape, a, b, c, true, body); }

    static void forEach(int[] shape, View a, View b, View c, boolean parallel, Run body) {
        int rank = shape.length;
        int total = io.medualtime.tensor.Shapes.numel(shape);
        if (total == 0) return;
        if (rank == 0) { body.run(0, a.offset(), 0, b == null ? 0 : b.offset(), 0, c == null ? 0 : c.offset(), 0, 1); return; }
        int last = shape[rank - 1];
        int rows = total / last;
        int[] as = a.strides(), bs = b == null ? null : b.strides(), cs = c == null ? null : c.strides();
        Parallel.range(rows, parallel ? Math.max(1, 16384 / Math.max(last, 1)) : Integer.MAX_VALUE, (r0, r1) -> {
            int[] idx = new int[rank];
            int rem = r0;
            for (int d = rank - 2; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; }
            for (int r = r0; r < r1; r++) {
                int ao = a.offset(), bo = b == null ? 0 : b.offset(), co = c == null ? 0 : c.offset();
                for (int d = 0; d < rank - 1; d++) {
                    ao += idx[d] * as[d];
                    if (bs != null) bo += idx[d] * bs[d];
                    if (cs != null) co += idx[d] * cs[d];
                }
                body.run(r * last, ao, as[rank - 1], bo, bs == null ? 0 : bs[rank - 1], co, cs == null ? 0 : cs[rank - 1], last);
                for (int d = rank - 2; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
            }
        });
    }

    static boolean dense(View v) { return io.medualtime.tensor.Shapes.isContiguous(v.shape(), v.strides()); }

    /**
     * True when no two elements of v share an address (a narrow or slice of a dense tensor; not an
     * expand or an unfold): dims by increasing stride, each stride must clear the span of those inside it.
     */
    static boolean distinct(View v) {
        int[] s = v.shape(), st = v.strides();
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < s.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Integer.compare(st[x], st[y]));
        long span = 1;           // elements covered by the dims seen so far (as addresses 0..span-1)
        for (int i : order) {
            if (s[i] == 1) continue;
            if (st[i] < span) return false;
            span = (long) st[i] * (s[i] - 1) + span;
        }
        return true;
    }
}
