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

    /*
     * One loop per op, with the op chosen outside it: a vector that comes out of a switch inside
     * the loop (a phi of several vectors) is boxed by C2 on JDK 17, and the store then runs through
     * the API's scalar fallback (measured in a model step: GELU at ~4 ns per element, ~1 ns alone).
     */
    static boolean unary(UnaryOp op, float p, float[] x, int xo, float[] y, int yo, int n) {
        int i;
        switch (op) {
            case GELU: geluRow(x, xo, y, yo, n); return true;
            case ADD_SCALAR: i = affine(x, xo, p, 1f, y, yo, n); break;
            case MUL_SCALAR: i = scale(x, xo, p, y, yo, n); break;
            case NEG: i = scale(x, xo, -1f, y, yo, n); break;
            case RELU: i = relu(x, xo, y, yo, n); break;
            default: return false;
        }
        if (i < n) CpuElementwiseTail.unary(op, p, x, xo + i, y, yo + i, n - i);
        return true;
    }

    /**
     * GELU (tanh form) over n elements, tail included. Two simple loops per L1-sized block (tanh of
     * the inner argument, then the product) rather than one: JDK 17's C2, compiling the single
     * fused loop inside a model step, lost the vector intrinsics part way through the expression
     * and ran the rest through the Vector API's scalar fallback (~3x slower; JDK 25 did not).
     */
    static void geluRow(float[] x, int xo, float[] y, int yo, int n) {
        int vn = S.loopBound(n);
        float[] t = SCRATCH.get();
        for (int b = 0; b < vn; b += BLOCK) {
            int len = Math.min(BLOCK, vn - b);
            tanhGeluArg(x, xo + b, t, len);
            geluFromTanh(x, xo + b, t, y, yo + b, len);
        }
        for (int i = vn; i < n; i++) y[yo + i] = CpuElementwise.gelu(x[xo + i]);
    }

    /** Elements per block of the two-pass GELU kernels (a multiple of every vector length; 8 KB of scratch). */
    private static final int BLOCK = 2048;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    /** t[i] = tanh(C (x + A x^3)) for i < n, n a multiple of the vector length. */
    private static void tanhGeluArg(float[] x, int xo, float[] t, int n) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMath.tanh(v.mul(v).mul(A * C).add(C).mul(v)).intoArray(t, i);
        }
    }

    /** y[i] = 0.5 x (1 + t[i]). */
    private static void geluFromTanh(float[] x, int xo, float[] t, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(0.5f).mul(FloatVector.fromArray(S, t, i).add(1f)).intoArray(y, yo + i);
        }
    }

    private static int scale(float[] x, int xo, float p, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).mul(p).intoArray(y, yo + i);
        return i;
    }

    private static int relu(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
        return i;
    }

    /** gin = x > 0 ? g : 0 (NaN gives 0, as the scalar loop), without a branch per element. */
    static void reluBackward(float[] x, int xo, float[] g, int go, float[] gin, int gio, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += S.length())
            zero.blend(FloatVector.fromArray(S, g, go + i), FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f)).intoArray(gin, gio + i);
        for (; i < n; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : 0f;
    }

    /** gin = g * GELU'(x), in the same two passes per block as {@link #geluRow}. */
    static void geluBackward(float[] x, int xo, float[] g, int go, float[] gin, int gio, int n) {
        int vn = S.loopBound(n);
        float[] t = SCRATCH.get();
        for (int b = 0; b < vn; b += BLOCK) {
            int len = Math.min(BLOCK, vn - b);
            tanhGeluArg(x, xo + b, t, len);
            geluGradFromTanh(x, xo + b, t, g, go + b, gin, gio + b, len);
        }
        for (int i = vn; i < n; i++) gin[gio + i] = g[go + i] * CpuElementwise.geluGrad(x[xo + i]);
    }

    /** gin[i] = g[i] (0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 A x^2)), t = tanh of the GELU argument. */
    private static void geluGradFromTanh(float[] x, int xo, float[] tb, float[] g, int go, float[] gin, int gio, int n) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i), t = FloatVector.fromArray(S, tb, i);
            FloatVector x2 = v.mul(v);
            FloatVector oneMinusT2 = FloatVector.broadcast(S, 1f).sub(t.mul(t));
            FloatVector d = t.add(1f).mul(0.5f).add(v.mul(0.5f).mul(oneMinusT2).mul(x2.mul(3 * A * C).add(C)));
            d.mul(FloatVector.fromArray(S, g, go + i)).intoArray(gin, gio + i);
        }
    }

    /**
     * out = op(a, b) over n elements read with strides as, bs: both 1, or one of them 0 (a
     * broadcast scalar, e.g. a per-channel statistic over a row). Returns false for other cases.
     */
    static boolean binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        boolean dense = as == 1 && bs == 1, scalarB = as == 1 && bs == 0, scalarA = as == 0 && bs == 1;
        if (!dense && !scalarB && !scalarA) return false;
        int i;
        switch (op) {
            case ADD:
                i = dense ? add(a, ao, b, bo, out, oo, n) : scalarB ? affine(a, ao, b[bo], 1f, out, oo, n) : affine(b, bo, a[ao], 1f, out, oo, n);
                break;
            case MUL:
                i = dense ? mul(a, ao, b, bo, out, oo, n) : scalarB ? scale(a, ao, b[bo], out, oo, n) : scale(b, bo, a[ao], out, oo, n);
                break;
            case SUB:   // a - s == a + (-s) exactly
                if (scalarA) return false;
                i = dense ? sub(a, ao, b, bo, out, oo, n) : affine(a, ao, -b[bo], 1f, out, oo, n);
                break;
            case DIV:
                if (!dense) return false;
                i = div(a, ao, b, bo, out, oo, n);
                break;
            default: return false;
        }
        for (; i < n; i++) {
            float x = a[ao + i * as], y = b[bo + i * bs];
            out[oo + i] = op == BinaryOp.ADD ? x + y : op == BinaryOp.SUB ? x - y : op == BinaryOp.MUL ? x * y : x / y;
        }
        return true;
    }

    private static int add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        return i;
    }

    private static int sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        return i;
    }

    private static int mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        return i;
    }

    private static int div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        return i;
    }

    // ---- row kernels used by CpuNnKernels ---------------------------------------------------
    static float rowMax(float[] x, int o, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; i < bound; i += S.length()) m = m.max(FloatVector.fromArray(S, x, o + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x[o + i]);
        return r;
    }

    /** y[i] = exp(x[i] - shift) (y may be null), returns the sum in double. */
    static double expShiftSum(float[] x, int o, float shift, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        double sum = 0;
        float[] lanes = new float[S.length()];
        for (; i < bound; i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, o + i).sub(shift));
            if (y != null) e.intoArray(y, yo + i);
            acc = acc.add(e);
            if ((i & 1023) == 0) { sum += laneSum(acc, lanes); acc = FloatVector.zero(S); }
        }
        sum += laneSum(acc, lanes);
        for (; i < n; i++) { float e = (float) Math.exp(x[o + i] - shift); if (y != null) y[yo + i] = e; sum += e; }
        return sum;
    }

    /**
     * Sum of x[o..o+n) (or, with {@code square}, of (x - center)^2) in float lanes flushed to double
     * every 1024 elements, lanes and tail added in a fixed order: LayerNorm's row statistics.
     */
    static double rowMoment(float[] x, int o, int n, float center, boolean square) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        double sum = 0;
        float[] lanes = new float[S.length()];
        for (; i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, x, o + i).sub(center);
            acc = square ? d.fma(d, acc) : acc.add(d);
            if ((i & 1023) == 1024 - S.length()) { sum += laneSum(acc, lanes); acc = FloatVector.zero(S); }
        }
        sum += laneSum(acc, lanes);
        for (; i < n; i++) { double d = x[o + i] - center; sum += square ? d * d : d; }
        return sum;
    }

    /** The sum of g[i] * (x[i] - center) over a row, in float lanes flushed to double every 1024 elements. */
    static double rowCenteredDot(float[] g, int go, float[] x, int xo, float center, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        double sum = 0;
        float[] lanes = new float[S.length()];
        for (; i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, x, xo + i).sub(center).fma(FloatVector.fromArray(S, g, go + i), acc);
            if ((i & 1023) == 1024 - S.length()) { sum += laneSum(acc, lanes); acc = FloatVector.zero(S); }
        }
        sum += laneSum(acc, lanes);
        for (; i < n; i++) sum += (double) g[go + i] * (x[xo + i] - center);
        return sum;
    }

    /** y[i] = (x[i] - mean) * rs * w[i] + b[i] over a row; w and b may be null. */
    static void normalizeRow(float[] x, int o, float mean, float rs, float[] w, float[] b, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, o + i).sub(mean).mul(rs);
            if (w != null) v = v.mul(FloatVector.fromArray(S, w, i));
            if (b != null) v = v.add(FloatVector.fromArray(S, b, i));
            v.intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            float v = (x[o + i] - mean) * rs;
            if (w != null) v *= w[i];
            if (b != null) v += b[i];
            y[yo + i] = v;
        }
    }

    /**
     * y[i] *= s over a row: softmax's normalisation, through the one-loop {@link #scale}; inlined into
     * the softmax kernel, the two-loop {@link #affine} lost the vector intrinsics and boxed every
     * vector (1 GB of garbage per few steps in a JFR allocation profile).
     */
    static void scaleRow(float[] y, int o, float s, int n) {
        int i = scale(y, o, s, y, o, n);
        for (; i < n; i++) y[o + i] *= s;
    }

    /** Lane sum in a fixed order (reduceLanes(ADD) leaves the order unspecified). */
    private static double laneSum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (float f : lanes) s += f;
        return s;
    }

    /** y[i] = (x[i] + add) * scale, in place allowed. */
    static void affineRow(float[] x, int o, float add, float scale, float[] y, int yo, int n) {
        int i = affine(x, o, add, scale, y, yo, n);
        for (; i < n; i++) y[yo + i] = (x[o + i] + add) * scale;
    }

    /** The vector part of {@link #affineRow} (scale 1 gives x + add bitwise); returns where the tail starts. */
    private static int affine(float[] x, int o, float add, float scale, float[] y, int yo, int n) {
        int i = 0, bound = S.loopBound(n);
        if (scale == 1f) for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, o + i).add(add).intoArray(y, yo + i);
        else for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, o + i).add(add).mul(scale).intoArray(y, yo + i);
        return i;
    }

    /** g[i] = exp(x[i] - shift) * scale. */
    static void expScaled(float[] x, int o, float shift, float scale, float[] g, int go, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            VectorMath.exp(FloatVector.fromArray(S, x, o + i).sub(shift)).mul(scale).intoArray(g, go + i);
        for (; i < n; i++) g[go + i] = (float) Math.exp(x[o + i] - shift) * scale;
    }

    /** PyTorch's AdamW element update over [s, e). */
    static void adamw(float[] p, float[] g, float[] m, float[] v, int s, int e, float b1, float b2, float eps,
                      float stepSize, float sqrtBias2, float decay) {
        int i = s, bound = s + S.loopBound(e - s);
        for (; i < bound; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(1 - b1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(gi).mul(1 - b2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().div(sqrtBias2).add(eps);
            FloatVector.fromArray(S, p, i).mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < e; i++) {
            float gi = g[i];
            float mi = m[i] = b1 * m[i] + (1 - b1) * gi;
            float vi = v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            p[i] = p[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) / sqrtBias2 + eps);
        }
    }
}
