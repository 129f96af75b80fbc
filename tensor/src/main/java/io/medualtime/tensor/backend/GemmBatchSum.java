package io.medualtime.tensor.backend;

/**
 * A batch of products summed into one result in one call: C = alpha * sum_z op(A_z) op(B_z) + beta C,
 * added in batch order - conv1d's weight gradient, summed over the samples. For a backend where each
 * GEMM costs launches (CUDA: the samples become the slices that sgemm_splitk_sum adds, two or three
 * launches for any batch). Optional: ops/Conv otherwise accumulates one product per sample.
 */
public interface GemmBatchSum {

    /**
     * Same operand conventions as {@link Backend#gemm} (row-major, A_z at aOff + z * strideA, B_z at
     * bOff + z * strideB); one C [m, n] with row stride ldc; beta == 0 never reads C.
     */
    void gemmBatchSum(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
                      float beta, Storage c, int cOff, int ldc, int batch);
}
