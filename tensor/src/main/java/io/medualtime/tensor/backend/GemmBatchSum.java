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

    /** The same sum as one {@link Backend#gemm} per product, in batch order (beta for the first, then 1): without the capability. */
    static void oneByOne(Backend be, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
                         float beta, Storage c, int cOff, int ldc, int batch) {
        for (int z = 0; z < Math.max(batch, 1); z++)          // an empty batch: one product with k = 0, C = beta C
            be.gemm(transA, transB, m, n, batch == 0 ? 0 : k, alpha, a, aOff + z * strideA, lda, 0, b, bOff + z * strideB, ldb, 0,
                    z == 0 ? beta : 1f, c, cOff, ldc, 0, 1);
    }
}
