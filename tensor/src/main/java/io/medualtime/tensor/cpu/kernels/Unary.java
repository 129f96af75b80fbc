package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise unary ops ({@link UnaryOp}) over one contiguous run, forward and fused backward:
 * a scalar loop per op, and Vector API loops for the hot ones (scale, shift, negate, ReLU); GELU is
 * {@link Gelu}'s.
 */
public final class Unary {
    private Unary() {}

    /** y = op(x, p) over n elements, on all threads. */
    public static void forward(UnaryOp op, ArraySpan y, ArraySpan x, int n, float p) {
        if (op == UnaryOp.GELU) { Gelu.forward(y, x, n); return; }
        float[] xa = x.array(), ya = y.array();
        int xo = x.offset(), yo = y.offset();
        Parallel.range(n, Grains.ELEMENTS, (s, e) -> run(op, ya, yo + s, xa, xo + s, e - s, p));
    }

    private static void run(UnaryOp op, float[] y, int yo, float[] x, int xo, int n, float p) {
        int i = VectorSupport.available() ? Vec.head(op, y, yo, x, xo, n, p) : 0;
        scalar(op, y, yo + i, x, xo + i, n - i, p);
    }

    /** The scalar reference of {@link #forward} (and the tail of its vector loops). */
    static void scalar(UnaryOp op, float[] y, int yo, float[] x, int xo, int n, float p) {
        // @formatter:off
        switch (op) {
            case NEG: for (int i = 0; i < n; i++) y[yo + i] = -x[xo + i]; break;
            case EXP: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.exp(x[xo + i]); break;
            case LOG: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.log(x[xo + i]); break;
            case SQRT: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.sqrt(x[xo + i]); break;
            case TANH: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.tanh(x[xo + i]); break;
            case SIGMOID: for (int i = 0; i < n; i++) y[yo + i] = (float) (1.0 / (1.0 + Math.exp(-x[xo + i]))); break;
            case RELU: for (int i = 0; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f); break;
            case GELU_ERF: for (int i = 0; i < n; i++) y[yo + i] = Gelu.erfValue(x[xo + i]); break;
            case ADD_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] + p; break;
            case MUL_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] * p; break;
            case RSUB_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = p - x[xo + i]; break;
            case POW_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.pow(x[xo + i], p); break;
            case CLAMP_MIN: for (int i = 0; i < n; i++) { float v = x[xo + i]; y[yo + i] = v < p ? p : v; } break;
            case ABS: for (int i = 0; i < n; i++) y[yo + i] = Math.abs(x[xo + i]); break;
            default: throw new UnsupportedOperationException(op.name());
        }
        // @formatter:on
    }

    /** gin = g * op'(x) over n elements, on all threads. */
    public static void backward(UnaryOp op, ArraySpan gin, ArraySpan x, ArraySpan g, int n, float p) {
        if (op == UnaryOp.GELU) { Gelu.backward(gin, x, g, n); return; }
        if (op == UnaryOp.RELU && VectorSupport.available()) {      // a branch per element mispredicts on activations
            float[] xa = x.array(), ga = g.array(), gia = gin.array();
            int xo = x.offset(), go = g.offset(), gio = gin.offset();
            Parallel.range(n, Grains.ELEMENTS, (s, e) -> Vec.reluBackward(gia, gio + s, xa, xo + s, ga, go + s, e - s));
            return;
        }
        Parallel.range(n, Grains.ELEMENTS, (s, e) -> scalarBackward(op, gin, x, g, s, e, p));
    }

    /** The scalar reference of {@link #backward} over elements [s, e). */
    static void scalarBackward(UnaryOp op, ArraySpan gins, ArraySpan xs, ArraySpan gs, int s, int e, float p) {
        float[] x = xs.array(), g = gs.array(), gin = gins.array();
        int xo = xs.offset(), go = gs.offset(), gio = gins.offset();
        // @formatter:off
        switch (op) {
            case TANH: for (int i = s; i < e; i++) { double t = Math.tanh(x[xo + i]); gin[gio + i] = (float) (g[go + i] * (1 - t * t)); } break;
            case SIGMOID: for (int i = s; i < e; i++) { double v = 1.0 / (1.0 + Math.exp(-x[xo + i])); gin[gio + i] = (float) (g[go + i] * v * (1 - v)); } break;
            case RELU: for (int i = s; i < e; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : 0f; break;
            case CLAMP_MIN: for (int i = s; i < e; i++) gin[gio + i] = x[xo + i] > p ? g[go + i] : 0f; break;
            case ABS: for (int i = s; i < e; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : x[xo + i] < 0 ? -g[go + i] : 0f; break;
            case GELU_ERF: for (int i = s; i < e; i++) gin[gio + i] = g[go + i] * Gelu.erfGrad(x[xo + i]); break;
            default: throw new UnsupportedOperationException("no fused backward for " + op);
        }
        // @formatter:on
    }

    /** The Vector API loops (loaded only when the API is present). */
    static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;

        /*
         * One loop per op, with the op chosen outside it: a vector that comes out of a switch inside
         * the loop (a phi of several vectors) is boxed by C2 on JDK 17, and the store then runs through
         * the API's scalar fallback (measured in a model step: GELU at ~4 ns per element, ~1 ns alone).
         */
        /** The whole vectors of op(x) for the ops covered here; returns how many elements were done (0: none). */
        static int head(UnaryOp op, float[] y, int yo, float[] x, int xo, int n, float p) {
            // @formatter:off
            switch (op) {
                case ADD_SCALAR: return VectorRows.affine(y, yo, x, xo, n, p, 1f);
                case MUL_SCALAR: return VectorRows.scale(y, yo, x, xo, n, p);
                case NEG: return VectorRows.scale(y, yo, x, xo, n, -1f);
                case RELU: return relu(y, yo, x, xo, n);
                default: return 0;
            }
            // @formatter:on
        }

        private static int relu(float[] y, int yo, float[] x, int xo, int n) {
            int i = 0, bound = S.loopBound(n);
            for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
            return i;
        }

        /** gin = x > 0 ? g : 0 (NaN gives 0, as the scalar loop), without a branch per element. */
        static void reluBackward(float[] gin, int gio, float[] x, int xo, float[] g, int go, int n) {
            int i = 0, bound = S.loopBound(n);
            FloatVector zero = FloatVector.zero(S);
            for (; i < bound; i += S.length())
                zero.blend(FloatVector.fromArray(S, g, go + i), FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f))
                        .intoArray(gin, gio + i);
            for (; i < n; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : 0f;
        }
    }
}
