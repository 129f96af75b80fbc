package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Storage;

import java.nio.FloatBuffer;

/**
 * Read-only CPU storage over a memory-mapped file region (a frozen model's large weights), so the
 * weights stay in the page cache instead of the heap. Only the primitives a frozen weight meets
 * read it: matrix products, embedding lookup ({@code gatherRows}), {@code toHost} and copies from
 * it (contiguous copies, moving to another device). Every other primitive, and every write,
 * throws {@link #readOnly()}: mapped weights are for inference and frozen models only.
 *
 * <p>The buffer keeps its mapping alive (a mapping does not depend on the channel that made it,
 * so closing the checkpoint file is fine); the pages are unmapped when the buffer is collected.
 */
public final class MappedStorage implements Storage {
    final FloatBuffer data;

    /** Wraps a buffer (read-only view taken if needed); element i is {@code data.get(i)}. */
    public MappedStorage(FloatBuffer data) {
        this.data = data.isReadOnly() ? data : data.asReadOnlyBuffer();
    }

    @Override public Backend backend() { return CpuBackend.INSTANCE; }
    @Override public int size() { return data.limit(); }

    static IllegalStateException readOnly() {
        return new IllegalStateException("read-only memory-mapped weights: this operation cannot use them (only matmul, "
                + "embedding lookup and copies read them, nothing writes them); load with heap weights to train them");
    }
}
