package io.medualtime.tensor.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caching device allocator (in the spirit of PyTorch's): requests are rounded up to a size bucket,
 * freed blocks go to a per-bucket free list and are reused by later requests of the same bucket;
 * {@link #emptyCache()} returns cached blocks to the driver. When the driver runs out of device
 * memory ({@link CudaDriver.OutOfDeviceMemory}) the cache is emptied and the allocation retried once.
 * Blocks are 64-bit device addresses from {@link CudaDriver#allocate}.
 *
 * <p>Buckets: up to 1 MiB, multiples of 512 bytes; above, four steps per power of two
 * (2^k, 1.25*2^k, 1.5*2^k, 1.75*2^k), i.e. at most 25% slack. Thread-safe.
 */
public final class DeviceAllocator {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cuda");

    private static volatile DeviceAllocator instance;
    private static final AtomicBoolean LEAK_LOGGED = new AtomicBoolean();

    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>(); // bucket bytes -> free addresses
    private long allocatedBytes;   // in use by live DeviceBuffers (bucket sizes)
    private long requestedBytes;   // in use, as requested
    private long cachedBytes;      // in free lists
    private long peakAllocatedBytes;
    private long driverAllocations, cacheHits, leaks;

    private DeviceAllocator() {}

    /** The allocator of the (single) CUDA device; throws IllegalStateException when CUDA is unavailable. */
    public static DeviceAllocator get() {
        CudaRuntime.get();
        DeviceAllocator a = instance;
        if (a == null) {
            synchronized (DeviceAllocator.class) {
                if (instance == null) instance = new DeviceAllocator();
                a = instance;
            }
        }
        return a;
    }

    /** Bucket size in bytes for a request. */
    public static long roundSize(long bytes) {
        if (bytes <= 0) return 512;
        if (bytes <= (1 << 20)) return (bytes + 511) & ~511L;
        long hi = Long.highestOneBit(bytes);
        if (hi == bytes) return bytes;
        long step = hi >> 2;
        return (bytes + step - 1) / step * step;
    }

    /** A buffer of {@code count} 4-byte elements (contents undefined). */
    public DeviceBuffer allocate(long count) {
        if (count < 0) throw new IllegalArgumentException("count " + count);
        long bytes = roundSize(count * 4);
        Long p = null;
        synchronized (this) {
            ArrayDeque<Long> q = free.get(bytes);
            if (q != null && !q.isEmpty()) {
                p = q.pop();
                cachedBytes -= bytes;
                cacheHits++;
            }
        }
        if (p == null) p = driverAlloc(bytes);
        synchronized (this) {
            allocatedBytes += bytes;
            requestedBytes += count * 4;
            peakAllocatedBytes = Math.max(peakAllocatedBytes, allocatedBytes);
        }
        return new DeviceBuffer(this, p, bytes, count);
    }

    /** A zero-filled buffer. */
    public DeviceBuffer allocateZeroed(long count) {
        DeviceBuffer b = allocate(count);
        b.zero();
        return b;
    }

    /** A buffer holding a copy of {@code data}. */
    public DeviceBuffer upload(float[] data) {
        DeviceBuffer b = allocate(data.length);
        b.copyFrom(data);
        return b;
    }

    public DeviceBuffer upload(int[] data) {
        DeviceBuffer b = allocate(data.length);
        b.copyFrom(data);
        return b;
    }

    /**
     * Device memory of dead tensors comes back only when the garbage collector finds them, which a
     * small Java heap rarely forces; after this many bytes of fresh driver allocations, ask for a
     * collection so the Cleaner refills the cache (the launcher also runs CUDA jobs with a small young
     * generation, which makes this rare).
     */
    private static final long GC_HINT_BYTES = Long.getLong("medualtime.cuda.gcHintBytes", 4L << 30);
    private long driverBytesSinceGc;

    private long driverAlloc(long bytes) {
        CudaDriver driver = CudaRuntime.get().driver();
        boolean collect;
        synchronized (this) {
            driverBytesSinceGc += bytes;
            collect = driverBytesSinceGc > GC_HINT_BYTES;
            if (collect) driverBytesSinceGc = 0;
        }
        if (collect) System.gc();
        long p;
        try {
            p = driver.allocate(bytes);
        } catch (CudaDriver.OutOfDeviceMemory e) {
            // tensors free their device memory when the garbage collector finds them unreachable,
            // which device-memory pressure alone does not trigger: collect, let the Cleaner return
            // the blocks, drop the cache, and try once more
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            emptyCache();
            p = driver.allocate(bytes); // throws again when really out of memory
        }
        synchronized (this) {
            driverAllocations++;
        }
        return p;
    }

    volatile boolean poison;

    /**
     * Test aid: {@link DeviceBuffer#free()} fills the block with NaN before it returns to the cache, so
     * that an op which leaves part of an uninitialised output unwritten, or a tensor released while
     * still in use, shows up as NaN.
     */
    public void setPoison(boolean on) { poison = on; }

    synchronized void release(long address, long bytes, long requested) {
        allocatedBytes -= bytes;
        requestedBytes -= requested;
        cachedBytes += bytes;
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(address);
    }

    void leaked(DeviceBuffer.State s) {
        synchronized (this) {
            leaks++;
        }
        if (LEAK_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "CUDA: a DeviceBuffer of " + s.byteSize
                    + " bytes was garbage-collected without free(); returned to the cache (logged once)");
        }
        release(s.address, s.byteSize, s.requestedBytes);
    }

    /** Returns all cached (free) blocks to the driver. */
    public void emptyCache() {
        CudaDriver driver = CudaRuntime.get().driver();
        synchronized (this) {
            for (Map.Entry<Long, ArrayDeque<Long>> e : free.entrySet()) {
                for (long address : e.getValue()) driver.free(address);
                cachedBytes -= e.getKey() * e.getValue().size();
                e.getValue().clear();
            }
            free.clear();
        }
    }

    public synchronized long allocatedBytes() { return allocatedBytes; }
    public synchronized long requestedBytes() { return requestedBytes; }
    public synchronized long cachedBytes() { return cachedBytes; }
    public synchronized long peakAllocatedBytes() { return peakAllocatedBytes; }
    public synchronized long driverAllocations() { return driverAllocations; }
    public synchronized long cacheHits() { return cacheHits; }
    public synchronized long leaks() { return leaks; }

    public synchronized String stats() {
        return String.format("allocated %d B (requested %d B, peak %d B), cached %d B, %d driver allocations, %d cache hits, %d leaks",
                allocatedBytes, requestedBytes, peakAllocatedBytes, cachedBytes, driverAllocations, cacheHits, leaks);
    }
}
