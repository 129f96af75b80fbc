package io.medualtime.tensor.cuda;

/**
 * One row-major (batched) matrix product: for z &lt; batch, C_z[m, n] = alpha op(A_z) op(B_z) + beta C_z,
 * op(A) = A [m, k] or, with transA, A^T of A stored [k, m]; likewise B [k, n]. The launchers
 * ({@link CudaSgemm}, {@link Cublas}) take it with the operands, output first: (gemm, c, a, b).
 */
public record Gemm(boolean transA, boolean transB, int m, int n, int k, int batch, float alpha, float beta) {

    /** No negative size (0 is an empty product, or with k = 0 C = beta C). */
    public Gemm {
        if (m < 0 || n < 0 || k < 0 || batch < 0)
            throw new IllegalArgumentException("GEMM sizes must not be negative: m " + m + ", n " + n + ", k " + k + ", batch " + batch);
    }

    /** C = alpha op(A) op(B) + beta C, one product. */
    public static Gemm of(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
        return new Gemm(transA, transB, m, n, k, 1, alpha, beta);
    }

    Gemm withK(int k) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }

    Gemm withBatch(int batch) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }

    Gemm withBeta(float beta) { return new Gemm(transA, transB, m, n, k, batch, alpha, beta); }
}
