package io.medualtime.tensor.backend;

/** Elementwise unary ops; {@code p} is the scalar parameter where one is used. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU,
    /** GELU, tanh approximation (GPT-2's "gelu_new"). */
    GELU,
    /** GELU, exact erf form x * Phi(x) (BERT's "gelu"); on CUDA the gelu_erf kernels of kernels/gelu.ptx. */
    GELU_ERF,
    ADD_SCALAR, MUL_SCALAR, POW_SCALAR, CLAMP_MIN, ABS,
    /** p - x */
    RSUB_SCALAR
}
