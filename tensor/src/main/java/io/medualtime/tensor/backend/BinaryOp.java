package io.medualtime.tensor.backend;

/**
 * Elementwise binary ops with broadcasting. EQ and GT give 1 or 0. {@link #code} is the op's number in
 * kernels/elementwise.ptx (binary_f32, binary_strided): this enum is the one table of those codes.
 */
public enum BinaryOp {
    ADD(0), SUB(1), MUL(2), DIV(3), POW(4), MAX(5), EQ(6), GT(7);

    /** The op code of elementwise.ptx's binary kernels. */
    public final int code;

    BinaryOp(int code) { this.code = code; }
}
