package io.medualtime.tensor.cuda;

/**
 * One row-major (batched) matrix product: for z &lt; batch, C_z[m, n] = alpha op(A_z) op(B_z) + beta C_z,
 * op(A) = A [m, k] or, with transA, A^T of A stored [k, m]; likewise B [k, n]. The launchers
 * ({@link CudaSgemm}, {@link Cublas}) take it with the operands, output first: (gemm, c, a, b).
 */
public record Gemm(boolean transA, boolean transB, int m, int n, int k, int batch, float alpha, float beta) {

    /** C = alpha op(A) op(B) + beta C, one product. */
    public static Gemm of(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
        return new Gemm(transA, transB, m, n, k, 1, alpha, beta);
    }

    Gemm withK(int k) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }

    Gemm withBatch(int batch) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }

    Gemm withBeta(float beta) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }

    /** The tight leading dimension of A as stored (k, or m when transposed); likewise {@link #ldb}, {@link #ldc}. */
    int lda() { return transA ? m : k; }

    int ldb() { return transB ? k : n; }

    int ldc() { return n; }
}
