package io.medualtime.tensor.backend;

/**
 * A row-major GEMM operand: matrix z of a batch starts at element {@code offset + z * batchStride} of
 * {@code storage}, and its rows are {@code ld} (leading dimension) elements apart. A batch stride of 0
 * reuses one matrix for every product.
 */
public record Matrix(Storage storage, int offset, int ld, int batchStride) {
    public Matrix {
        if (storage == null) throw new IllegalArgumentException("a GEMM operand needs a storage");
        if (offset < 0 || ld < 0 || batchStride < 0)
            throw new IllegalArgumentException(
                    "GEMM operand offset " + offset + ", ld " + ld + ", batch stride " + batchStride + ": none may be negative");
    }

    /** One matrix (no batch). */
    public static Matrix of(Storage storage, int offset, int ld) { return new Matrix(storage, offset, ld, 0); }

    /** The same operand moved by {@code elements}, e.g. to sample z of a batch. */
    public Matrix shift(int elements) {
        return new Matrix(storage, offset + elements, ld, batchStride);
    }

    /** The same operand with another batch stride. */
    public Matrix withBatchStride(int stride) {
        return new Matrix(storage, offset, ld, stride);
    }
}
