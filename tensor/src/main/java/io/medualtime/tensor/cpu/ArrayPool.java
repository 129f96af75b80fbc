package io.medualtime.tensor.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays released by {@link io.medualtime.tensor.TensorScope}s, kept for reuse by exact length.
 * A training step allocates the same shapes every time (gigabytes of activations and gradients for
 * GPT-2-small shapes); taking them from here skips the JVM's zeroing of each new array and most of
 * the garbage collector's work. Arrays are held softly (the collector may still take them under
 * memory pressure) and only up to a budget: {@code -Dmedualtime.cpu.poolBytes} (default half of the
 * maximum heap: a step's activations and gradients, reused by the next). Small arrays are not pooled: the allocator serves them from thread-local buffers.
 */
public final class ArrayPool {
    private static final int MIN_LENGTH = 1 << 12;
    static final ArrayPool SHARED = new ArrayPool(
            Long.getLong("medualtime.cpu.poolBytes", Runtime.getRuntime().maxMemory() / 2), MIN_LENGTH);

    private final long capacityBytes;
    private int minLength;
    private boolean poison;
    private final Map<Integer, ArrayDeque<SoftReference<float[]>>> free = new HashMap<>();
    private long pooledBytes;     // as given; arrays the collector cleared are subtracted when found
    private long reused, given;

    ArrayPool(long capacityBytes, int minLength) {
        this.capacityBytes = capacityBytes;
        this.minLength = minLength;
    }

    /** A pooled array of exactly n floats with undefined contents, or null when there is none. */
    float[] take(int n) {
        if (n >= minLength) {
            synchronized (this) {
                ArrayDeque<SoftReference<float[]>> q = free.get(n);
                while (q != null && !q.isEmpty()) {
                    float[] a = q.pop().get();
                    pooledBytes -= 4L * n;
                    if (a != null) { reused++; return a; }
                }
            }
        }
        return null;
    }

    /** Offers an array no tensor uses any more. */
    void give(float[] a) {
        synchronized (this) {
            if (a.length < minLength || pooledBytes + 4L * a.length > capacityBytes) return;
            if (poison) java.util.Arrays.fill(a, Float.NaN);
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(new SoftReference<>(a));
            pooledBytes += 4L * a.length;
            given++;
        }
    }

    /**
     * Test aid: pool arrays of every length and fill each released one with NaN, so that an op which
     * leaves part of an uninitialised output unwritten, or a tensor released while still in use,
     * shows up as NaN instead of passing by luck. Empties the pool.
     */
    public synchronized void setPoison(boolean on) {
        poison = on;
        minLength = on ? 1 : MIN_LENGTH;
        clear();
    }

    /** Drops every pooled array (they become garbage). */
    public synchronized void clear() {
        free.clear();
        pooledBytes = 0;
    }

    public static ArrayPool shared() { return SHARED; }

    /** How many requests a pooled array has served. */
    public synchronized long reused() { return reused; }

    public synchronized String stats() {
        return String.format("%d MiB pooled, %d arrays given, %d reused", pooledBytes >> 20, given, reused);
    }
}
