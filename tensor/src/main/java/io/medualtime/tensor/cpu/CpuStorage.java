package io.medualtime.tensor.cpu;

import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Storage;

/**
 * Heap storage: a plain float array, reclaimed by the garbage collector, or - when a
 * {@link io.medualtime.tensor.TensorScope} releases it - handed to the {@link ArrayPool} for reuse.
 * A released storage drops its array, so a stale tensor fails loudly instead of reading memory
 * that another tensor now owns.
 */
public final class CpuStorage implements Storage {
    private float[] data;
    private final int size;
    private final boolean pooled;   // the backend allocated the array (not a caller's array): it may be recycled
    private volatile Thread confinedTo;   // set while a TensorScope owns it (volatile: a plain load on x86)

    CpuStorage(float[] data, boolean pooled) {
        this.data = data;
        this.size = data.length;
        this.pooled = pooled;
    }

    /** The backing array (shared, not copied). */
    public float[] data() {
        Thread owner = confinedTo;
        if (owner != null) TensorScope.checkThread(owner, this);
        float[] d = data;
        if (d == null)
            throw new IllegalStateException("a tensor's CPU storage (" + size
                    + " floats) was used after its TensorScope released it; keep() or persist() tensors that outlive the scope");
        return d;
    }

    @Override public Backend backend() { return CpuBackend.INSTANCE; }
    @Override public int size() { return size; }

    @Override public void confineTo(Thread thread) { confinedTo = thread; }

    @Override public void release() {
        float[] d = data;
        data = null;
        if (d != null && pooled) ArrayPool.SHARED.give(d);
    }

    @Override public String toString() { return "CpuStorage[" + size + " floats" + (data == null ? ", released]" : "]"); }
}
