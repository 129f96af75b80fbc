package io.medualtime.tensor.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * Small host-to-device copies without waiting for the GPU. A cuMemcpyHtoD from a Java array
 * (pageable memory) returns only after every kernel queued before it has run: an upload in the middle
 * of a step - a new batch's token ids when the textual pass starts - makes the host wait for the GPU
 * to drain. Copied first into page-locked (pinned) host memory, the same upload is an asynchronous
 * cuMemcpyHtoDAsync on the same stream: still ordered after the kernels before it, but the host goes
 * on queuing.
 *
 * <p>A ring of {@link #SLOTS} pinned slots of {@link #SLOT_BYTES} each; an event recorded after each
 * copy says when its slot may be overwritten (normally long done when the ring comes round again).
 * Larger copies (weights, datasets at set-up) stay synchronous. Callers hold the driver's lock.
 */
final class PinnedStaging {
    static final int SLOTS = 16;
    static final int SLOT_BYTES = 1 << 20;

    private final Pointer host = new Pointer();
    private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];
    private final Pointer[] pointers = new Pointer[SLOTS];
    private final CUevent[] copied = new CUevent[SLOTS];
    private final boolean[] pending = new boolean[SLOTS];
    private int next;

    /** Allocates the pinned ring (16 MiB) and its events; the context must be current. */
    PinnedStaging() {
        JCudaDriver.cuMemAllocHost(host, (long) SLOTS * SLOT_BYTES);
        for (int i = 0; i < SLOTS; i++) {
            buffers[i] = host.getByteBuffer((long) i * SLOT_BYTES, SLOT_BYTES).order(ByteOrder.nativeOrder());
            pointers[i] = host.withByteOffset((long) i * SLOT_BYTES);
            copied[i] = new CUevent();
            JCudaDriver.cuEventCreate(copied[i], CUevent_flags.CU_EVENT_DISABLE_TIMING);
        }
    }

    static boolean fits(int count) { return count * 4L <= SLOT_BYTES; }

    void upload(CUdeviceptr dst, float[] src, int offset, int count) {
        send(dst, count * 4L, b -> b.asFloatBuffer().put(src, offset, count));
    }

    void upload(CUdeviceptr dst, int[] src, int offset, int count) {
        send(dst, count * 4L, b -> b.asIntBuffer().put(src, offset, count));
    }

    /** Fills the next slot (once the GPU has copied out of it) and queues its copy to dst. */
    private void send(CUdeviceptr dst, long bytes, Consumer<ByteBuffer> fill) {
        int slot = next;
        next = (next + 1) % SLOTS;
        if (pending[slot]) JCudaDriver.cuEventSynchronize(copied[slot]);
        buffers[slot].clear();
        fill.accept(buffers[slot]);
        JCudaDriver.cuMemcpyHtoDAsync(dst, pointers[slot], bytes, null);     // the legacy default stream, after the kernels before it
        JCudaDriver.cuEventRecord(copied[slot], null);
        pending[slot] = true;
    }
}
