package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.GemmShape;

/**
 * One row-major (batched) matrix product: for z &lt; batch, C_z[m, n] = alpha op(A_z) op(B_z) + beta C_z,
 * op(A) = A [m, k] or, with transA, A^T of A stored [k, m]; likewise B [k, n] (the shape: the
 * boundary's {@link GemmShape}). The launchers ({@link CudaSgemm}, {@link Cublas}) take it with the
 * operands, output first: (gemm, c, a, b).
 */
public record Gemm(GemmShape shape, float alpha, float beta) {

    /** C = alpha op(A) op(B) + beta C, one product. */
    public static Gemm of(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
        return new Gemm(GemmShape.of(transA, transB, m, n, k), alpha, beta);
    }

    public boolean transA() { return shape.transA(); }

    public boolean transB() { return shape.transB(); }

    public int m() { return shape.m(); }

    public int n() { return shape.n(); }

    public int k() { return shape.k(); }

    public int batch() { return shape.batch(); }

    Gemm withK(int k) { return new Gemm(shape.with(k, shape.batch()), alpha, beta); }

    Gemm withBatch(int batch) { return new Gemm(shape.with(shape.k(), batch), alpha, beta); }

    Gemm withBeta(float beta) { return new Gemm(shape, alpha, beta); }
}
