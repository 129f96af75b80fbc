package io.medualtime.tensor.backend;

/** A strided window into a storage: what backend primitives read and write. */
public record View(Storage storage, int offset, int[] shape, int[] strides) {
    public int numel() { return io.medualtime.tensor.Shapes.numel(shape); }
}
