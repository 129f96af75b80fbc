package io.medualtime.tensor.cuda;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device copy of small int data that kernels only read: shape/stride tables of the strided
 * kernels, and the ids / targets the backend receives as host arrays. An upload from pageable
 * host memory waits for the GPU to drain, so one per call serialised every such op with the host;
 * the same values come back all the time (a model meets few layouts, an embedding's ids return in
 * its backward, positions and row indices every step). Kept by content; emptied if it ever holds
 * more than MAX_INTS (freed blocks are reused only after the kernels queued before them, which run
 * in stream order).
 */
final class DeviceInts {
    private static final int MAX_INTS = 1 << 22;
    private static final ConcurrentHashMap<Key, DeviceBuffer> CACHE = new ConcurrentHashMap<>();
    private static long ints;

    private DeviceInts() {}

    /** The device copy of {@code values} (the caller may change its array afterwards). */
    static DeviceBuffer of(int[] values) {
        DeviceBuffer m = CACHE.get(new Key(values));
        if (m != null) return m;
        synchronized (CACHE) {
            if (ints + values.length > MAX_INTS) {
                for (DeviceBuffer b : CACHE.values()) b.free();
                CACHE.clear();
                ints = 0;
            }
            return CACHE.computeIfAbsent(new Key(values.clone()), k -> {   // a copy: callers may reuse their array
                ints += k.values.length;
                return DeviceAllocator.get().upload(k.values);
            });
        }
    }

    /** The address of the device copy of {@code values}. */
    static long address(int[] values) { return of(values).ptr(); }

    private record Key(int[] values) {
        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(values, k.values); }
        @Override public int hashCode() { return Arrays.hashCode(values); }
    }
}
