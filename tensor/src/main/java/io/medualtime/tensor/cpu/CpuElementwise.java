package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.UnaryOp;

/**
 * Scalar elementwise loops over one contiguous (or singly strided) run. Hot ops (GELU, tanh,
 * add, mul) go to {@link VectorKernels} when the Vector API is present.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    static void unary(UnaryOp op, float p, float[] x, int xo, float[] y, int yo, int n) {
        if (VectorSupport.available() && VectorKernels.unary(op, p, x, xo, y, yo, n)) return;
        switch (op) {
            case NEG: for (int i = 0; i < n; i++) y[yo + i] = -x[xo + i]; break;
            case EXP: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.exp(x[xo + i]); break;
            case LOG: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.log(x[xo + i]); break;
            case SQRT: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.sqrt(x[xo + i]); break;
            case TANH: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.tanh(x[xo + i]); break;
            case SIGMOID: for (int i = 0; i < n; i++) y[yo + i] = (float) (1.0 / (1.0 + Math.exp(-x[xo + i]))); break;
            case RELU: for (int i = 0; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f); break;
            case GELU: for (int i = 0; i < n; i++) y[yo + i] = gelu(x[xo + i]); break;
            case GELU_ERF: for (int i = 0; i < n; i++) y[yo + i] = geluErf(x[xo + i]); break;
            case ADD_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] + p; break;
            case MUL_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = x[xo + i] * p; break;
            case RSUB_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = p - x[xo + i]; break;
            case POW_SCALAR: for (int i = 0; i < n; i++) y[yo + i] = (float) Math.pow(x[xo + i], p); break;
            case CLAMP_MIN: for (int i = 0; i < n; i++) { float v = x[xo + i]; y[yo + i] = v < p ? p : v; } break;
            case ABS: for (int i = 0; i < n; i++) y[yo + i] = Math.abs(x[xo + i]); break;
            default: throw new UnsupportedOperationException(op.name());
        }
    }

    static float gelu(float x) {
        double u = GELU_C * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(u)));
    }

    static float geluGrad(float x) {
        double u = GELU_C * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        return (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x));
    }

    /** x Phi(x) = 0.5 x erfc(-x / sqrt 2). */
    static float geluErf(float x) { return (float) (0.5 * x * erfc(-x * INV_SQRT2)); }

    /** Phi(x) + x phi(x). */
    static float geluErfGrad(float x) {
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

    static void unaryBackward(UnaryOp op, float p, float[] x, int xo, float[] g, int go, float[] gin, int gio, int n) {
        switch (op) {
            case TANH: for (int i = 0; i < n; i++) { double t = Math.tanh(x[xo + i]); gin[gio + i] = (float) (g[go + i] * (1 - t * t)); } break;
            case SIGMOID: for (int i = 0; i < n; i++) { double s = 1.0 / (1.0 + Math.exp(-x[xo + i])); gin[gio + i] = (float) (g[go + i] * s * (1 - s)); } break;
            case RELU: for (int i = 0; i < n; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : 0f; break;
            case CLAMP_MIN: for (int i = 0; i < n; i++) gin[gio + i] = x[xo + i] > p ? g[go + i] : 0f; break;
            case ABS: for (int i = 0; i < n; i++) gin[gio + i] = x[xo + i] > 0 ? g[go + i] : x[xo + i] < 0 ? -g[go + i] : 0f; break;
            case GELU_ERF: for (int i = 0; i < n; i++) gin[gio + i] = g[go + i] * geluErfGrad(x[xo + i]); break;
            case GELU:
                if (VectorSupport.available()) { VectorKernels.geluBackward(x, xo, g, go, gin, gio, n); break; }
                for (int i = 0; i < n; i++) gin[gio + i] = g[go + i] * geluGrad(x[xo + i]);
                break;
            default: throw new UnsupportedOperationException("no fused backward for " + op);
        }
    }

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        if (VectorSupport.available() && VectorKernels.binary(op, a, ao, as, b, bo, bs, out, oo, n)) return;
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs]; break;
            case SUB: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs]; break;
            case MUL: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs]; break;
            case DIV: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs]; break;
            case POW: for (int i = 0; i < n; i++) out[oo + i] = (float) Math.pow(a[ao + i * as], b[bo + i * bs]); break;
            case MAX: for (int i = 0; i < n; i++) out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); break;
            case EQ: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] == b[bo + i * bs] ? 1f : 0f; break;
            case GT: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i * as] > b[bo + i * bs] ? 1f : 0f; break;
            default: throw new UnsupportedOperationException(op.name());
        }
    }
}
