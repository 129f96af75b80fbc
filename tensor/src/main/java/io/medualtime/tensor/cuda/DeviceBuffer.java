package io.medualtime.tensor.cuda;

import java.lang.ref.Cleaner;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A block of device memory from {@link DeviceAllocator}: {@code count} 4-byte elements (float32 or
 * int32) inside an allocation of {@code byteSize} bytes (the rounded bucket size).
 *
 * <p>Call {@link #free()} when done: the block returns to the allocator's cache. A buffer that becomes
 * unreachable without free() is returned by a Cleaner safety net, and the first such leak is logged.
 */
public final class DeviceBuffer implements AutoCloseable {

    static final Cleaner CLEANER = Cleaner.create();

    /** Shared with the Cleaner action; must not reference the DeviceBuffer itself. */
    static final class State implements Runnable {
        final DeviceAllocator allocator;
        final CUdeviceptr ptr;
        final long byteSize;
        final long requestedBytes;
        boolean freed;

        State(DeviceAllocator allocator, CUdeviceptr ptr, long byteSize, long requestedBytes) {
            this.allocator = allocator;
            this.ptr = ptr;
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

    DeviceBuffer(DeviceAllocator allocator, CUdeviceptr ptr, long byteSize, long count) {
        this.state = new State(allocator, ptr, byteSize, count * 4);
        this.count = count;
        this.cleanable = CLEANER.register(this, state);
    }

    /** The device pointer of element 0. */
    public CUdeviceptr ptr() {
        checkLive();
        return state.ptr;
    }

    /** The device pointer of element {@code elementOffset} (4-byte elements). */
    public CUdeviceptr at(long elementOffset) {
        checkLive();
        if (elementOffset < 0 || elementOffset > count) throw new IndexOutOfBoundsException("offset " + elementOffset + " of " + count);
        return state.ptr.withByteOffset(elementOffset * 4);
    }

    /** Number of 4-byte elements. */
    public long count() { return count; }
    /** Bytes actually reserved (bucket size, >= 4 * count). */
    public long byteSize() { return state.byteSize; }
    public boolean isFreed() { synchronized (state) { return state.freed; } }

    /** Returns the block to the allocator's cache (idempotent). */
    public void free() {
        if (state.allocator.poison && !isFreed()) {     // the whole bucket: a later, longer request gets it too
            CudaRuntime.get();
            JCudaDriver.cuMemsetD32(state.ptr, Float.floatToRawIntBits(Float.NaN), state.byteSize / 4);
        }
        synchronized (state) {
            if (state.freed) return;
            state.freed = true;
        }
        cleanable.clean(); // deregisters; State.run sees freed and does nothing
        state.allocator.release(state.ptr, state.byteSize, state.requestedBytes);
    }

    @Override public void close() { free(); }

    private void checkLive() {
        if (isFreed()) throw new IllegalStateException("DeviceBuffer used after free()");
    }

    // ------------------------------------------------------------------------------------------
    // host <-> device copies (synchronous, legacy default stream: ordered after queued kernels)

    public void copyFrom(float[] src) { copyFrom(src, 0, 0, src.length); }

    public void copyFrom(float[] src, int srcOff, long dstOff, int len) {
        range(dstOff, len);
        if (srcOff < 0 || srcOff + len > src.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        CudaRuntime.get();
        JCudaDriver.cuMemcpyHtoD(at(dstOff), Pointer.to(src).withByteOffset(srcOff * 4L), len * 4L);
    }

    public void copyFrom(int[] src) { copyFrom(src, 0, 0, src.length); }

    public void copyFrom(int[] src, int srcOff, long dstOff, int len) {
        range(dstOff, len);
        if (srcOff < 0 || srcOff + len > src.length) throw new IndexOutOfBoundsException();
        if (len == 0) return;
        CudaRuntime.get();
        JCudaDriver.cuMemcpyHtoD(at(dstOff), Pointer.to(src).withByteOffset(srcOff * 4L), len * 4L);
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
        CudaRuntime.get();
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(dstOff * 4L), at(srcOff), len * 4L);
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
        CudaRuntime.get();
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(dstOff * 4L), at(srcOff), len * 4L);
    }

    /** this[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (device to device). */
    public void copyFrom(DeviceBuffer src, long srcOff, long dstOff, long len) {
        range(dstOff, len);
        src.range(srcOff, len);
        if (len == 0) return;
        CudaRuntime.get();
        JCudaDriver.cuMemcpyDtoD(at(dstOff), src.at(srcOff), len * 4);
    }

    /** Sets every element to 0 (0.0f and int 0 have the same bits). */
    public void zero() { fillBits(0, 0, count); }

    /** Sets elements [off, off+len) to the float value v. */
    public void fill(float v, long off, long len) { fillBits(Float.floatToRawIntBits(v), off, len); }

    private void fillBits(int bits, long off, long len) {
        range(off, len);
        if (len == 0) return;
        CudaRuntime.get();
        JCudaDriver.cuMemsetD32(at(off), bits, len);
    }

    private void range(long off, long len) {
        if (off < 0 || len < 0 || off + len > count)
            throw new IndexOutOfBoundsException("range [" + off + ", " + (off + len) + ") of " + count);
    }

    @Override public String toString() {
        return "DeviceBuffer[" + count + " x 4B, " + state.byteSize + " bytes" + (isFreed() ? ", freed]" : "]");
    }
}
