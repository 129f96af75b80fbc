package io.medualtime.tensor.backend;

/**
 * C = op(A) op(B) + bias (bias [n] added to every row) as one primitive, for a backend where writing
 * the bias rows first would be a launch of its own (CUDA: sgemm.ptx adds it in its epilogue).
 * Optional: elsewhere (and when {@link #fusesBias()} is false) a linear layer copies the bias rows and
 * accumulates the GEMM onto them. Same operand conventions as {@link Backend#gemm} with one matrix
 * (batch 1, k &gt; 0; batch strides are not read); C is written.
 */
public interface GemmBias {
    /** Whether gemmBias is one kernel now (CUDA: the PTX SGEMM, not cuBLAS). */
    boolean fusesBias();

    /** C = op(A) op(B) + bias, bias [n] dense. */
    void gemmBias(Matrix c, Matrix a, Matrix b, Span bias, GemmShape shape);
}
