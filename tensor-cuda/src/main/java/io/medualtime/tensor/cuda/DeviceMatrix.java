package io.medualtime.tensor.cuda;

/**
 * A GEMM operand on the device: the address of its first element, its row stride {@code ld} and the
 * stride between the matrices of a batch ({@code stride}), both in elements.
 */
public record DeviceMatrix(long address, int ld, long stride) {

    /** The operand {@code elements} float32 elements further on (a later batch or slice of K). */
    DeviceMatrix plus(long elements) {
        return new DeviceMatrix(address + 4L * elements, ld, stride);
    }

    DeviceMatrix withStride(long stride) { return new DeviceMatrix(address, ld, stride); }
}
