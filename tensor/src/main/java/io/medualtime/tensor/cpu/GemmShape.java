package io.medualtime.tensor.cpu;

/**
 * The problem of a (batched) matrix product C [m, n] = op(A) [m, k] * op(B) [k, n]: op(A) is A
 * stored [k, m] when {@code transA} (else [m, k]), likewise B; {@code batch} products, each with its
 * own A, B, C (see {@link Matrix#stride}).
 */
public record GemmShape(boolean transA, boolean transB, int m, int n, int k, int batch) {
    /** One product (batch 1). */
    public static GemmShape of(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmShape(transA, transB, m, n, k, 1);
    }

    /** One product of this kind, m x n x k (a slice of this problem). */
    GemmShape single(int m, int n, int k) { return new GemmShape(transA, transB, m, n, k, 1); }
}
