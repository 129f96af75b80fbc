package io.medualtime.tensor.backend;

/**
 * Elementwise unary ops; {@code p} is the scalar parameter where one is used. {@link #code} is the op's
 * number in kernels/elementwise.ptx (unary_f32, unary_bwd_f32): this enum is the one table of those codes.
 */
public enum UnaryOp {
    NEG(0), EXP(1), LOG(2), SQRT(3), TANH(4), SIGMOID(5), RELU(6),
    /** GELU, tanh approximation (GPT-2's "gelu_new"); on CUDA its own kernels in kernels/gelu.ptx. */
    GELU(-1),
    /** GELU, exact erf form x * Phi(x) (BERT's "gelu"); on CUDA the gelu_erf kernels of kernels/gelu.ptx. */
    GELU_ERF(-1), ADD_SCALAR(7), MUL_SCALAR(8), POW_SCALAR(9), CLAMP_MIN(10), ABS(11),
    /** p - x */
    RSUB_SCALAR(12);

    /** The op code of elementwise.ptx's unary_f32; -1 for an op with kernels of its own (GELU). */
    public final int code;

    UnaryOp(int code) { this.code = code; }
}
