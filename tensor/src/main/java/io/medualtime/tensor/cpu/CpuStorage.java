package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Storage;

/** Heap storage: a plain float array, reclaimed by the garbage collector. */
public final class CpuStorage implements Storage {
    final float[] data;

    CpuStorage(float[] data) { this.data = data; }

    /** The backing array (shared, not copied). */
    public float[] data() { return data; }

    @Override public Backend backend() { return CpuBackend.INSTANCE; }
    @Override public int size() { return data.length; }
}
