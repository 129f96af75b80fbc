package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise binary ops ({@link BinaryOp}) over one run: out[i] = op(a[i * as], b[i * bs]),
 * a scalar loop per op and Vector API loops for add, sub, mul, div on dense runs or against a
 * broadcast scalar.
 */
public final class Binary {
    private Binary() {}

    /** out = op(a, b) over n elements read with strides aStride and bStride (one thread: callers split the work). */
    public static void run(BinaryOp op, ArraySpan out, ArraySpan a, int aStride, ArraySpan b, int bStride, int n) {
        int i = VectorSupport.available() ? Vec.head(op, out, a, aStride, b, bStride, n) : 0;
        scalar(op, out, a, aStride, b, bStride, i, n);
    }

    /** The scalar reference of {@link #run} over elements [from, n). */
    static void scalar(BinaryOp op, ArraySpan z, ArraySpan x, int as, ArraySpan y, int bs, int from, int n) {
        float[] a = x.array(), b = y.array(), out = z.array();
        int ao = x.offset(), bo = y.offset(), oo = z.offset();
        // @formatter:off
        switch (op) {
            case ADD: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs]; break;
            case SUB: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs]; break;
            case MUL: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs]; break;
            case DIV: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs]; break;
            case POW: for (int i = from; i < n; i++) out[oo + i] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]); break;
            case MAX: for (int i = from; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); break;
            case EQ: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] == b[bo + i * bs] ? 1f : 0f; break;
            case GT: for (int i = from; i < n; i++) out[oo + i] = a[ao + i * as] > b[bo + i * bs] ? 1f : 0f; break;
            default: throw new UnsupportedOperationException(op.name());
        }
        // @formatter:on
    }

    /** The Vector API loops (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;

        /**
         * The whole vectors of op(a, b) when the strides are both 1, or one of them 0 (a broadcast
         * scalar, e.g. a per-channel statistic over a row); returns how many elements were done (0: none).
         */
        static int head(BinaryOp op, ArraySpan z, ArraySpan x, int as, ArraySpan y, int bs, int n) {
            float[] a = x.array(), b = y.array(), out = z.array();
            int ao = x.offset(), bo = y.offset(), oo = z.offset();
            boolean dense = as == 1 && bs == 1, scalarB = as == 1 && bs == 0, scalarA = as == 0 && bs == 1;
            if (!dense && !scalarB && !scalarA) return 0;
            switch (op) {
                case ADD:
                    return dense
                            ? add(out, oo, a, ao, b, bo, n)
                            : scalarB ? VectorRows.affine(out, oo, a, ao, n, b[bo], 1f) : VectorRows.affine(out, oo, b, bo, n, a[ao], 1f);
                case MUL:
                    return dense
                            ? mul(out, oo, a, ao, b, bo, n)
                            : scalarB ? VectorRows.scale(out, oo, a, ao, n, b[bo]) : VectorRows.scale(out, oo, b, bo, n, a[ao]);
                case SUB:   // a - s == a + (-s) exactly
                    if (scalarA) return 0;
                    return dense ? sub(out, oo, a, ao, b, bo, n) : VectorRows.affine(out, oo, a, ao, n, -b[bo], 1f);
                case DIV:
                    return dense ? div(out, oo, a, ao, b, bo, n) : 0;
                default:
                    return 0;
            }
        }

        private static int add(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length())
                FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            return i;
        }

        private static int sub(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length())
                FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            return i;
        }

        private static int mul(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length())
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            return i;
        }

        private static int div(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length())
                FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            return i;
        }
    }
}
