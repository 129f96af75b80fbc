package io.medualtime.tensor.cuda;

import java.lang.ref.Cleaner;

/**
 * A block of device memory from {@link DeviceAllocator}: {@code count} 4-byte elements (float32 or
 * int32) inside an allocation of {@code byteSize} bytes (the rounded bucket size), at a 64-bit device
 * address. Copies and fills go through {@link CudaRuntime#driver()}.
 *
 * <p>Call {@link #free()} when done: the block returns to the allocator's cache. A buffer that becomes
 * unreachable without free() is returned by a Cleaner safety net, and the first such leak is logged.
 */
public final class DeviceBuffer implements AutoCloseable {

    static final Cleaner CLEANER = Cleaner.create();

    /** Shared with the Cleaner action; must not reference the DeviceBuffer itself. */
    static final class State implements Runnable {
        final DeviceAllocator allocator;
        final long address;
        final long byteSize;
        final long requestedBytes;
        boolean freed;

        State(DeviceAllocator allocator, long address, long byteSize, long requestedBytes) {
            this.allocator = allocator;
            this.address = address;
            this.byteSize = byteSize;
            this.requestedBytes = requestedBytes;
        }

        @Override public void run() { // Cleaner: unreachable and never freed
            synchronized (this) {
                if (freed) return;
                freed = true;
            }
            allocator.leaked(this);
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final long count;

    DeviceBuffer(DeviceAllocator allocator, long address, long byteSize, long count) {
        this.state = new State(allocator, address, byteSize, count * 4);
        this.count = count;
        this.cleanable = CLEANER.register(this, state);
    }

    /** The device address of element 0. */
    public long ptr() {
        checkLive();
        return state.address;
    }

    /** The device address of element {@code elementOffset} (4-byte elements; {@code count} is one past the end). */
    public long at(long elementOffset) {
        checkLive();
        if (elementOffset < 0 || elementOffset > count) throw new IndexOutOfBoundsException("offset " + elementOffset + " of " + count);
        return state.address + elementOffset * 4;
    }

    /** Number of 4-byte elements. */
    public long count() { return count; }
    /** Bytes actually reserved (bucket size, >= 4 * count). */
    public long byteSize() { return state.byteSize; }
    public boolean isFreed() {
        synchronized (state) {
            return state.freed;
        }
    }

    /** Returns the block to the allocator's cache (idempotent). */
    public void free() {
        if (state.allocator.poison && !isFreed()) {     // the whole bucket: a later, longer request gets it too
            driver().fill32(state.address, Float.floatToRawIntBits(Float.NaN), state.byteSize / 4);
        }
        synchronized (state) {
            if (state.freed) return;
            state.freed = true;
        }
        cleanable.clean(); // deregisters; State.run sees freed and does nothing
        state.allocator.release(state.address, state.byteSize, state.requestedBytes);
    }

    @Override public void close() { free(); }

    private static CudaDriver driver() { return CudaRuntime.get().driver(); }

    private void checkLive() {
        if (isFreed()) throw new IllegalStateException("DeviceBuffer used after free()");
    }

    // ------------------------------------------------------------------------------------------
    // host <-> device copies (synchronous, on the driver's one stream: ordered after queued kernels)

    public void copyFrom(float[] src) { copyFrom(src, 0, 0, src.length); }

    public void copyFrom(float[] src, int srcOff, long dstOff, int len) {
        range(dstOff, len);
        if (srcOff < 0 || srcOff + len > src.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        driver().copyToDevice(at(dstOff), src, srcOff, len);
    }

    public void copyFrom(int[] src) { copyFrom(src, 0, 0, src.length); }

    public void copyFrom(int[] src, int srcOff, long dstOff, int len) {
        range(dstOff, len);
        if (srcOff < 0 || srcOff + len > src.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        driver().copyToDevice(at(dstOff), src, srcOff, len);
    }

    public float[] toFloatArray() {
        if (count > Integer.MAX_VALUE) throw new IllegalStateException("too large for a Java array");
        float[] out = new float[(int) count];
        copyTo(out, 0, 0, out.length);
        return out;
    }

    public void copyTo(float[] dst, int dstOff, long srcOff, int len) {
        range(srcOff, len);
        if (dstOff < 0 || dstOff + len > dst.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        driver().copyToHost(dst, dstOff, at(srcOff), len);
    }

    public int[] toIntArray() {
        if (count > Integer.MAX_VALUE) throw new IllegalStateException("too large for a Java array");
        int[] out = new int[(int) count];
        copyTo(out, 0, 0, out.length);
        return out;
    }

    public void copyTo(int[] dst, int dstOff, long srcOff, int len) {
        range(srcOff, len);
        if (dstOff < 0 || dstOff + len > dst.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        driver().copyToHost(dst, dstOff, at(srcOff), len);
    }

    /** this[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (device to device). */
    public void copyFrom(DeviceBuffer src, long srcOff, long dstOff, long len) {
        range(dstOff, len);
        src.range(srcOff, len);
        if (len == 0) return;
        driver().copyDeviceToDevice(at(dstOff), src.at(srcOff), len * 4);
    }

    /** Sets every element to 0 (0.0f and int 0 have the same bits). */
    public void zero() { fillBits(0, 0, count); }

    /** Sets elements [off, off+len) to the float value v. */
    public void fill(float v, long off, long len) {
        fillBits(Float.floatToRawIntBits(v), off, len);
    }

    private void fillBits(int bits, long off, long len) {
        range(off, len);
        if (len == 0) return;
        driver().fill32(at(off), bits, len);
    }

    private void range(long off, long len) {
        if (off < 0 || len < 0 || off + len > count)
            throw new IndexOutOfBoundsException("range [" + off + ", " + (off + len) + ") of " + count);
    }

    @Override public String toString() {
        return "DeviceBuffer[" + count + " x 4B, " + state.byteSize + " bytes" + (isFreed() ? ", freed]" : "]");
    }
}
