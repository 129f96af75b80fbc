package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.UnaryOp;

/** Scalar tails of the vector loops (kept apart so the vector class never recurses into itself). */
final class CpuElementwiseTail {
    private CpuElementwiseTail() {}

    static void unary(UnaryOp op, float p, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            switch (op) {
                case GELU: y[yo + i] = CpuElementwise.gelu(v); break;
                case ADD_SCALAR: y[yo + i] = v + p; break;
                case MUL_SCALAR: y[yo + i] = v * p; break;
                case NEG: y[yo + i] = -v; break;
                case RELU: y[yo + i] = Math.max(v, 0f); break;
                default: throw new UnsupportedOperationException(op.name());
            }
        }
    }
}
