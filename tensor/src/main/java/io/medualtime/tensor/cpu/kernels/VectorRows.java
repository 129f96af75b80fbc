package io.medualtime.tensor.cpu.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops over one row that several ops share: max, sums of exp and moments (softmax,
 * cross-entropy, the norms), and scale / shift (elementwise ops, softmax). Only loaded when
 * {@link io.medualtime.tensor.cpu.VectorSupport#available()}. Sums are taken in float lanes
 * flushed to double every 1024 elements, lanes added in a fixed order: the same bits in every
 * JIT tier and for every thread split.
 */
final class VectorRows {
    private VectorRows() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * Double lanes of the same width: half of S's lanes. (Float vectors of another width would
     * pollute the type profiles of FloatVector's shared code, and C2 on JDK 17 then boxes every
     * vector of every float kernel in the process: one float width per process.)
     */
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    static float rowMax(float[] x, int o, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; i < bound; i += S.length()) m = m.max(FloatVector.fromArray(S, x, o + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x[o + i]);
        return r;
    }

    /** y[i] = exp(x[i] - shift) (y may be null), returns the sum in double. */
    static double expShiftSum(float[] y, int yo, float[] x, int o, int n, float shift) {
        int i = 0, bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        double sum = 0;
        float[] lanes = new float[S.length()];
        for (; i < bound; i += S.length()) {
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(S, x, o + i).sub(shift));
            if (y != null) e.intoArray(y, yo + i);
            acc = acc.add(e);
            if ((i & 1023) == 0) { sum += laneSum(acc, lanes); acc = FloatVector.zero(S); }
        }
        sum += laneSum(acc, lanes);
        for (; i < n; i++) { float e = (float) Math.exp(x[o + i] - shift); if (y != null) y[yo + i] = e; sum += e; }
        return sum;
    }

    /** Sum of x[o..o+n) (or, with {@code square}, of (x - center)^2): the norms' row statistics. */
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

    /** The sum of g[i] * (x[i] - center) over a row. */
    static double rowCenteredDot(float[] g, int go, float[] x, int xo, int n, float center) {
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

    /** out[i] = a[i] * (b[i] - s) over a row, tail included: softmax's backward. */
    static void productOfDifference(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n, float s) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i).sub(s)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] * (b[bo + i] - s);
    }

    /** Lane sum in a fixed order (reduceLanes(ADD) leaves the order unspecified). */
    static double laneSum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (float f : lanes) s += f;
        return s;
    }

    /**
     * The sum over a row of the float products a[i] * b[i], each widened and added in double as the
     * scalar loop {@code s += a[i] * b[i]} (double s) does; only the order of addition differs (one
     * partial sum per lane), so the float the sum is rounded to almost always agrees. (In JDK 17,
     * inlined with several other such loops into one method, these conversions lost C2's intrinsics
     * and boxed every vector: keep the calling method small.)
     */
    static double dotInDouble(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0, bound = S.loopBound(n);
        DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
        for (; i < bound; i += S.length()) {
            FloatVector p = FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i));
            lo = lo.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = laneSum(lo, hi);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** The lanes of lo, then of hi, added in a fixed order. */
    private static double laneSum(DoubleVector lo, DoubleVector hi) {
        double[] lanes = new double[2 * D.length()];
        lo.intoArray(lanes, 0);
        hi.intoArray(lanes, D.length());
        double s = 0;
        for (double d : lanes) s += d;
        return s;
    }

    /**
     * y[i] *= s over a row: softmax's normalisation, through the one-loop {@link #scale}; inlined into
     * the softmax kernel, the two-loop {@link #affine} lost the vector intrinsics and boxed every
     * vector (1 GB of garbage per few steps in a JFR allocation profile).
     */
    static void scaleRow(float[] y, int o, int n, float s) {
        int i = scale(y, o, y, o, n, s);
        for (; i < n; i++) y[o + i] *= s;
    }

    /** y[i] = (x[i] + add) * scale, in place allowed. */
    static void affineRow(float[] y, int yo, float[] x, int o, int n, float add, float scale) {
        int i = affine(y, yo, x, o, n, add, scale);
        for (; i < n; i++) y[yo + i] = (x[o + i] + add) * scale;
    }

    /** y[i] = x[i] * p for the whole vectors of a row; returns where the scalar tail starts. */
    static int scale(float[] y, int yo, float[] x, int xo, int n, float p) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).mul(p).intoArray(y, yo + i);
        return i;
    }

    /** The vector part of {@link #affineRow} (scale 1 gives x + add bitwise); returns where the tail starts. */
    static int affine(float[] y, int yo, float[] x, int o, int n, float add, float scale) {
        int i = 0, bound = S.loopBound(n);
        if (scale == 1f) for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, o + i).add(add).intoArray(y, yo + i);
        else for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, o + i).add(add).mul(scale).intoArray(y, yo + i);
        return i;
    }
}
