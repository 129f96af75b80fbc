package io.medualtime.tensor.cuda;

import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Storage;

/**
 * Device storage: {@code size} floats in a {@link DeviceBuffer} from the caching allocator.
 * {@link #release()} returns the block to the allocator's cache at once; otherwise the buffer's
 * Cleaner returns it when the storage becomes unreachable.
 */
public final class CudaStorage implements Storage {
    private final DeviceBuffer buffer;
    private final int size;
    private volatile Thread confinedTo;   // set while a TensorScope owns it

    CudaStorage(DeviceBuffer buffer, int size) {
        this.buffer = buffer;
        this.size = size;
    }

    /** The underlying device buffer (element 0 is element 0 of this storage). */
    public DeviceBuffer buffer() {
        Thread owner = confinedTo;
        if (owner != null) TensorScope.checkThread(owner, this);
        return buffer;
    }

    /** The device address of element {@code offset}. */
    public long at(int offset) { return buffer().at(offset); }

    @Override public void confineTo(Thread thread) { confinedTo = thread; }

    @Override public Backend backend() { return CudaBackend.instance(); }
    @Override public int size() { return size; }
    @Override public void release() { buffer.free(); }

    @Override public String toString() { return "CudaStorage[" + size + " floats]"; }
}
