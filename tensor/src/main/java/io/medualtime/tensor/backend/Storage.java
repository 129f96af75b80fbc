package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;

/**
 * A flat buffer of float32 elements owned by one backend. Tensors are views (offset, shape,
 * strides) over a storage; several tensors may share one storage.
 *
 * <p>Lifetime: CPU storage is an ordinary heap array reclaimed by the garbage collector (or, for
 * frozen weights, a read-only memory-mapped file region, unmapped when collected). Device
 * storage returns its memory to the backend's caching allocator when {@link #release()} is called
 * or, as a safety net, when the storage becomes unreachable.
 */
public interface Storage {
    Backend backend();

    /** Number of float elements. */
    int size();

    default Device device() { return backend().device(); }

    /** Frees device memory early; a no-op for heap storage. Using the storage afterwards is an error. */
    default void release() {}
}
