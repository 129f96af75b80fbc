package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the hot elementwise loops. Only loaded when
 * {@link VectorSupport#available()}; each method returns false for ops it does not cover so
 * the caller falls back to the scalar loop.
 */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float C = CpuElementwise.GELU_C, A = 0.044715f;

    static boolean unary(UnaryOp op, float p, float[] x, int xo, float[] y, int yo, int n) {
        switch (op) {
            case GELU: case ADD_SCALAR: case MUL_SCALAR: case NEG: case RELU: break;
            default: return false;
        }
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i), r;
            switch (op) {
                case GELU: {
                    FloatVector u = v.mul(v).mul(A * C).add(C).mul(v);
                    r = v.mul(0.5f).mul(u.lanewise(VectorOperators.TANH).add(1f));
                    break;
                }
                case ADD_SCALAR: r = v.add(p); break;
                case MUL_SCALAR: r = v.mul(p); break;
                case NEG: r = v.neg(); break;
                default: r = v.max(0f); break; // RELU
            }
            r.intoArray(y, yo + i);
        }
        if (i < n) CpuElementwiseTail.unary(op, p, x, xo + i, y, yo + i, n - i);
        return true;
    }

    static void geluBackward(float[] x, int xo, float[] g, int go, float[] gin, int gio, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector x2 = v.mul(v);
            FloatVector t = x2.mul(A * C).add(C).mul(v).lanewise(VectorOperators.TANH);
            // 0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 A x^2)
            FloatVector d = t.add(1f).mul(0.5f).add(v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(x2.mul(3 * A * C).add(C)));
            d.mul(FloatVector.fromArray(S, g, go + i)).intoArray(gin, gio + i);
        }
        for (; i < n; i++) gin[gio + i] = g[go + i] * CpuElementwise.geluGrad(x[xo + i]);
    }

    static boolean binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        switch (op) {
            case ADD: case SUB: case MUL: case DIV: break;
            default: return false;
        }
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector va = FloatVector.fromArray(S, a, ao + i), vb = FloatVector.fromArray(S, b, bo + i), r;
            switch (op) {
                case ADD: r = va.add(vb); break;
                case SUB: r = va.sub(vb); break;
                case MUL: r = va.mul(vb); break;
                default: r = va.div(vb); break;
            }
            r.intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            out[oo + i] = op == BinaryOp.ADD ? x + y : op == BinaryOp.SUB ? x - y : op == BinaryOp.MUL ? x * y : x / y;
        }
        return true;
    }
}
