package io.medualtime.tensor.backend;

/**
 * C = op(A) op(B) + bias (bias [n] added to every row) as one primitive, for a backend where writing
 * the bias rows first would be a launch of its own (CUDA: sgemm.ptx adds it in its epilogue).
 * Optional: elsewhere (and when {@link #fusesBias()} is false) a linear layer copies the bias rows and
 * accumulates the GEMM onto them. Same operand conventions as {@link Backend#gemm} with one matrix
 * (no batch, k &gt; 0); C is written.
 */
public interface GemmBias {
    /** Whether gemmBias is one kernel now (CUDA: the PTX SGEMM, not cuBLAS). */
    boolean fusesBias();

    void gemmBias(boolean transA, boolean transB, int m, int n, int k, Storage a, int aOff, int lda,
                  Storage b, int bOff, int ldb, Storage bias, int biasOff, Storage c, int cOff, int ldc);
}
