package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;

/**
 * A flat buffer of float32 elements owned by one backend. Tensors are views (offset, shape,
 * strides) over a storage; several tensors may share one storage.
 *
 * <p>Lifetime: storage is reclaimed when it becomes unreachable (CPU: by the garbage collector;
 * device: a Cleaner returns the block to the caching allocator), or earlier and deterministically
 * when a {@link io.medualtime.tensor.TensorScope} calls {@link #release()}: CPU arrays then go to
 * the array pool, device blocks to the allocator's cache. Read-only memory-mapped storage (frozen
 * weights) is never released early.
 */
public interface Storage {
    Backend backend();

    /** Number of float elements. */
    int size();

    default Device device() { return backend().device(); }

    /** Gives the memory back early (to the backend's pool or cache). Using the storage afterwards is an error. */
    default void release() {}

    /**
     * Called by {@link io.medualtime.tensor.TensorScope}: while {@code thread} is not null a scope of that thread
     * will release this storage, and its memory may then serve another tensor, so use from any other thread must
     * fail ({@link io.medualtime.tensor.TensorScope#checkThread}); null lifts the rule.
     */
    default void confineTo(Thread thread) {}
}
