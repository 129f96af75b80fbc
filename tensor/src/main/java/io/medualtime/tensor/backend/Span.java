package io.medualtime.tensor.backend;

/**
 * A dense operand: elements read or written consecutively from element {@code offset} of
 * {@code storage}; how many is given by the primitive's shape arguments. Operands that always start at
 * element 0 travel as a bare {@link Storage}; strided ones as a {@link View}.
 */
public record Span(Storage storage, int offset) {
    public Span {
        if (storage == null) throw new IllegalArgumentException("a span needs a storage (pass a null span for an absent operand)");
        if (offset < 0) throw new IllegalArgumentException("span offset must be >= 0, got " + offset);
    }

    /** The storage from element 0. */
    public static Span of(Storage storage) { return new Span(storage, 0); }
}
