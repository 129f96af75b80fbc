package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU, tanh form: y = 0.5 x (1 + tanh(C (x + A x^3))), C = sqrt(2 / pi), A = 0.044715 (GPT-2's
 * activation); one forward and one backward entry point, each a scalar reference and a Vector API
 * version. Also the erf form's scalar functions (BERT's exact GELU, {@code UnaryOp.GELU_ERF}).
 */
public final class Gelu {
    private Gelu() {}

    static final float C = (float) Math.sqrt(2.0 / Math.PI), A = 0.044715f;

    /** y = GELU(x) over n elements, on all threads. */
    public static void forward(ArraySpan y, ArraySpan x, int n) {
        float[] xa = x.array(), ya = y.array();
        int xo = x.offset(), yo = y.offset();
        if (VectorSupport.available()) {        // a lambda of its own: see backward
            Parallel.range(n, Grains.ELEMENTS, (s, e) -> Vec.forward(ya, yo + s, xa, xo + s, e - s));
            return;
        }
        Parallel.range(n, Grains.ELEMENTS, (s, e) -> { for (int i = s; i < e; i++) ya[yo + i] = value(xa[xo + i]); });
    }

    /** gin = g * GELU'(x) over n elements, on all threads. */
    public static void backward(ArraySpan gin, ArraySpan x, ArraySpan g, int n) {
        float[] xa = x.array(), ga = g.array(), gia = gin.array();
        int xo = x.offset(), go = g.offset(), gio = gin.offset();
        if (VectorSupport.available()) {
            // C2 compiles this lambda with the GELU loop alone; inlined into a switch over every op
            // (all of whose branches a model step makes hot) the compile grew so large that C2 gave up
            // the vector store intrinsic, and the loop ran the Vector API's scalar fallback (~10x slower)
            Parallel.range(n, Grains.ELEMENTS, (s, e) -> Vec.backward(gia, gio + s, xa, xo + s, ga, go + s, e - s));
            return;
        }
        Parallel.range(n, Grains.ELEMENTS, (s, e) -> {
            for (int i = s; i < e; i++) gia[gio + i] = ga[go + i] * grad(xa[xo + i]);
        });
    }

    /** GELU(x), the scalar reference (double inside). */
    public static float value(float x) {
        double u = C * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(u)));
    }

    /** GELU'(x), the scalar reference. */
    public static float grad(float x) {
        double u = C * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        return (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x));
    }

    /** The erf form x Phi(x) = 0.5 x erfc(-x / sqrt 2). */
    public static float erfValue(float x) {
        return (float) (0.5 * x * erfc(-x * INV_SQRT2));
    }

    /** The erf form's derivative Phi(x) + x phi(x). */
    public static float erfGrad(float x) {
        return (float) (0.5 * erfc(-x * INV_SQRT2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
    }

    private static final double INV_SQRT2 = 1 / Math.sqrt(2), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /**
     * erfc with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit "erfcc"),
     * i.e. float32-exact; checked against a double-precision series in the tests.
     */
    static double erfc(double x) {
        double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** The Vector API version (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;
        /** Elements per block of the two-pass kernels (a multiple of every vector length; 8 KB of scratch). */
        private static final int BLOCK = 2048;
        private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

        /**
         * GELU over n elements, tail included. Two simple loops per L1-sized block (tanh of the inner
         * argument, then the product) rather than one: JDK 17's C2, compiling the single fused loop
         * inside a model step, lost the vector intrinsics part way through the expression and ran the
         * rest through the Vector API's scalar fallback (~3x slower; JDK 25 did not).
         */
        static void forward(float[] y, int yo, float[] x, int xo, int n) {
            int vn = S.loopBound(n);
            float[] t = SCRATCH.get();
            for (int b = 0; b < vn; b += BLOCK) {
                int len = Math.min(BLOCK, vn - b);
                tanhArg(t, x, xo + b, len);
                fromTanh(y, yo + b, x, xo + b, t, len);
            }
            for (int i = vn; i < n; i++) y[yo + i] = value(x[xo + i]);
        }

        /** gin = g * GELU'(x), in the same two passes per block as {@link #forward}. */
        static void backward(float[] gin, int gio, float[] x, int xo, float[] g, int go, int n) {
            int vn = S.loopBound(n);
            float[] t = SCRATCH.get();
            for (int b = 0; b < vn; b += BLOCK) {
                int len = Math.min(BLOCK, vn - b);
                tanhArg(t, x, xo + b, len);
                gradFromTanh(gin, gio + b, x, xo + b, t, g, go + b, len);
            }
            for (int i = vn; i < n; i++) gin[gio + i] = g[go + i] * grad(x[xo + i]);
        }

        /** t[i] = tanh(C (x + A x^3)) for i < n, n a multiple of the vector length. */
        private static void tanhArg(float[] t, float[] x, int xo, int n) {
            for (int i = 0; i < n; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                VectorMath.tanh(v.mul(v).mul(A * C).add(C).mul(v)).intoArray(t, i);
            }
        }

        /** y[i] = 0.5 x (1 + t[i]). */
        private static void fromTanh(float[] y, int yo, float[] x, int xo, float[] t, int n) {
            for (int i = 0; i < n; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                v.mul(0.5f).mul(FloatVector.fromArray(S, t, i).add(1f)).intoArray(y, yo + i);
            }
        }

        /** gin[i] = g[i] (0.5 (1 + t) + 0.5 x (1 - t^2) C (1 + 3 A x^2)), t = tanh of the GELU argument. */
        private static void gradFromTanh(float[] gin, int gio, float[] x, int xo, float[] tb, float[] g, int go, int n) {
            for (int i = 0; i < n; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i), t = FloatVector.fromArray(S, tb, i);
                FloatVector x2 = v.mul(v);
                FloatVector oneMinusT2 = FloatVector.broadcast(S, 1f).sub(t.mul(t));
                FloatVector d = t.add(1f).mul(0.5f).add(v.mul(0.5f).mul(oneMinusT2).mul(x2.mul(3 * A * C).add(C)));
                d.mul(FloatVector.fromArray(S, g, go + i)).intoArray(gin, gio + i);
            }
        }
    }
}
