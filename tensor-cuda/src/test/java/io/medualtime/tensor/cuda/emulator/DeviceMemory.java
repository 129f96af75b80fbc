package io.medualtime.tensor.cuda.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The emulated device's global memory. Each allocation is its own int[] (all our kernels access
 * memory in aligned 32-bit words) and gets the address {@code id << 32}: the high half names the
 * allocation, the low half is the byte offset. So every access is bounds-checked against its own
 * allocation, and an access to freed memory, to another allocation or past the end fails with the
 * address - what compute-sanitizer reports on a real GPU, where it would corrupt memory or fault.
 *
 * <p>New allocations are filled with a NaN pattern ({@link #UNINITIALISED}) rather than zeros: a real
 * cuMemAlloc returns whatever was there, and a kernel that reads memory nobody wrote should show it.
 */
final class DeviceMemory {

    /** The fill of fresh allocations: a quiet NaN as a float, a huge negative index as an int. */
    static final int UNINITIALISED = 0xFFC0DEAD;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(int[].class);

    private volatile int[][] allocations = new int[64][];
    private final ArrayDeque<Integer> freeIds = new ArrayDeque<>();
    private int nextId = 1;                  // id 0 stays unused: address 0 is the null pointer
    private long usedBytes;
    private final long capacity;

    DeviceMemory(long capacityBytes) { this.capacity = capacityBytes; }

    long capacity() { return capacity; }
    synchronized long usedBytes() { return usedBytes; }

    /** A new allocation of {@code bytes} (rounded up to whole words); null when it does not fit. */
    synchronized Long allocate(long bytes) {
        long words = (bytes + 3) / 4;
        if (words > Integer.MAX_VALUE - 8 || usedBytes + 4 * words > capacity) return null;
        int[] a;
        try {
            a = new int[(int) Math.max(words, 1)];
        } catch (OutOfMemoryError e) {
            return null;
        }
        Arrays.fill(a, UNINITIALISED);
        int id = freeIds.isEmpty() ? nextId++ : freeIds.pop();
        int[][] all = allocations;
        if (id >= all.length) all = Arrays.copyOf(all, Math.max(id + 1, all.length * 2));
        all[id] = a;
        allocations = all;
        usedBytes += 4L * a.length;
        return (long) id << 32;
    }

    synchronized void free(long address) {
        int id = (int) (address >>> 32);
        if ((int) address != 0 || id <= 0 || id >= allocations.length || allocations[id] == null)
            throw new IllegalArgumentException(String.format("free of 0x%x, which is not a live allocation", address));
        usedBytes -= 4L * allocations[id].length;
        allocations[id] = null;
        freeIds.push(id);
    }

    /** The words of the allocation holding {@code address}; checks alignment and that [address, +4*count) is inside it. */
    int[] words(long address, long count) {
        int id = (int) (address >>> 32);
        int[][] all = allocations;
        int[] a = id > 0 && id < all.length ? all[id] : null;
        if (a == null) throw new IllegalStateException(String.format("address 0x%x is not in a live allocation", address));
        long off = address & 0xFFFFFFFFL;
        if ((off & 3) != 0) throw new IllegalStateException(String.format("misaligned 32-bit access at 0x%x", address));
        if ((off >>> 2) + count > a.length)
            throw new IllegalStateException(String.format("access of %d words at 0x%x is past the end of its %d-byte allocation",
                    count, address, 4L * a.length));
        return a;
    }

    static int index(long address) { return (int) ((address & 0xFFFFFFFFL) >>> 2); }

    int load(long address) { return words(address, 1)[index(address)]; }

    void store(long address, int bits) { words(address, 1)[index(address)] = bits; }

    /** Atomic float add (red/atom.global.add.f32); returns the old value's bits. */
    int atomicAddFloat(long address, float v) {
        int[] a = words(address, 1);
        int i = index(address);
        while (true) {
            int old = (int) WORD.getVolatile(a, i);
            int now = Float.floatToRawIntBits(Float.intBitsToFloat(old) + v);
            if (WORD.compareAndSet(a, i, old, now)) return old;
        }
    }

    /** Atomic 32-bit integer add; returns the old value. */
    int atomicAddInt(long address, int v) {
        return (int) WORD.getAndAdd(words(address, 1), index(address), v);
    }
}
