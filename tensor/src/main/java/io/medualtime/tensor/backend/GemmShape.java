package io.medualtime.tensor.backend;

/**
 * The shape of a (batched) GEMM C = op(A) op(B): op(A) is [m, k], op(B) [k, n], C [m, n], where op
 * transposes the stored matrix when its flag is set; {@code batch} products.
 */
public record GemmShape(boolean transA, boolean transB, int m, int n, int k, int batch) {
    public GemmShape {
        if (m < 0 || n < 0 || k < 0 || batch < 0)
            throw new IllegalArgumentException(
                    "GEMM sizes m " + m + ", n " + n + ", k " + k + ", batch " + batch + ": none may be negative");
    }

    /** One product (batch 1). */
    public static GemmShape of(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmShape(transA, transB, m, n, k, 1);
    }

    /** The same product with another k or batch. */
    public GemmShape with(int k, int batch) {
        return new GemmShape(transA, transB, m, n, k, batch);
    }
}
