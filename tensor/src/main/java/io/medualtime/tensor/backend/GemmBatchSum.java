package io.medualtime.tensor.backend;

/**
 * A batch of products summed into one result in one call: C = alpha * sum_z op(A_z) op(B_z) + beta C,
 * added in batch order - conv1d's weight gradient, summed over the samples. For a backend where each
 * GEMM costs launches (CUDA: the samples become the slices that sgemm_splitk_sum adds, two or three
 * launches for any batch). Optional: ops/Conv otherwise accumulates one product per sample.
 */
public interface GemmBatchSum {

    /**
     * Same operand conventions as {@link Backend#gemm} (row-major, A_z and B_z batchStride apart);
     * one C [m, n] (its batch stride is not read); beta == 0 never reads C.
     */
    void gemmBatchSum(Matrix c, Matrix a, Matrix b, GemmShape shape, float alpha, float beta);

    /** The same sum as one {@link Backend#gemm} per product, in batch order (beta for the first, then 1): without the capability. */
    static void oneByOne(Backend be, Matrix c, Matrix a, Matrix b, GemmShape shape, float alpha, float beta) {
        int batch = shape.batch();
        GemmShape one = shape.with(batch == 0 ? 0 : shape.k(), 1);      // an empty batch: one product with k = 0, C = beta C
        Matrix c1 = c.withBatchStride(0);
        for (int z = 0; z < Math.max(batch, 1); z++)
            be.gemm(c1, a.shift(z * a.batchStride()).withBatchStride(0), b.shift(z * b.batchStride()).withBatchStride(0), one,
                    alpha, z == 0 ? beta : 1f);
    }
}
