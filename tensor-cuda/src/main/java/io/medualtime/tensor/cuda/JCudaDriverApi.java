package io.medualtime.tensor.cuda;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * {@link CudaDriver} on a real GPU through the JCuda driver API: device 0, its PRIMARY context (which
 * cuBLAS shares), the legacy default stream, and PTX modules loaded with cuModuleLoadData (the driver
 * JIT-compiles them for the card).
 *
 * <p>Addresses: JCuda passes device pointers as {@link CUdeviceptr} objects. Each allocation's object
 * is kept, keyed by its address, and an address inside it becomes {@code base.withByteOffset(...)} -
 * so an address that is not inside a live allocation fails here with its value, not in the driver.
 *
 * <p>Threads: a context is current per OS thread; every call binds the primary context lazily (once
 * per thread).
 */
final class JCudaDriverApi implements CudaDriver {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cuda");

    /** A CUdeviceptr whose address Java can read (JCuda keeps the value in protected fields). */
    static final class DeviceAddress extends CUdeviceptr {
        long value() { return getNativePointer() + getByteOffset(); }
    }

    private final CUdevice device;
    private final CUcontext context;
    private final String deviceName;
    private final int ccMajor, ccMinor, smCount, driverVersion;
    private final long totalMemory;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final Map<String, CUmodule> modules = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, DeviceAddress> allocations = new ConcurrentSkipListMap<>();
    private final KernelProfile profile = KernelProfile.ifRequested();
    private final LaunchEvents launchEvents = profile != null && profile.eventTimed() ? new LaunchEvents(profile) : null;
    private final PinnedStaging staging;

    /** Initialises the driver; throws (UnsatisfiedLinkError, CudaException, ...) when there is no usable GPU. */
    JCudaDriverApi() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] < 1) throw new IllegalStateException("no CUDA device (cuDeviceGetCount = 0)");
        device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        makeCurrent();
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        deviceName = new String(name, 0, len, StandardCharsets.US_ASCII);
        ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        smCount = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] mem = new long[1];
        JCudaDriver.cuDeviceTotalMem(mem, device);
        totalMemory = mem[0];
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        driverVersion = v[0];
        staging = openStaging();
    }

    /**
     * The pinned upload ring ({@link PinnedStaging}) when it works here: a pattern sent through it
     * must read back unchanged; else (or with {@code -Dmedualtime.cuda.pinned=off}) uploads stay
     * synchronous, said once.
     */
    private PinnedStaging openStaging() {
        if ("off".equals(System.getProperty("medualtime.cuda.pinned"))) return null;
        long probe = 0;
        try {
            PinnedStaging ring = new PinnedStaging();
            int[] pattern = new int[1000], back = new int[pattern.length];
            for (int i = 0; i < pattern.length; i++) pattern[i] = i * 7919 + 13;
            probe = allocate(4L * pattern.length);
            ring.upload(pointer(probe), pattern, 0, pattern.length);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(back), pointer(probe), 4L * back.length);    // after the async copy
            if (!java.util.Arrays.equals(pattern, back)) throw new IllegalStateException("a test upload read back different values");
            return ring;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "CUDA: pinned upload staging off (" + e + "); small uploads wait for the GPU");
            return null;
        } finally {
            if (probe != 0) free(probe);
        }
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** Binds the primary context to the calling thread (once per thread; cuBLAS relies on it too). */
    void makeCurrent() {
        if (!current.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    /**
     * The CUdeviceptr JCuda needs for a device address (for cuBLAS too). Binds the context: cuBLAS
     * calls that follow on this thread need it current.
     */
    CUdeviceptr pointer(long address) {
        makeCurrent();
        Map.Entry<Long, DeviceAddress> e = allocations.floorEntry(address);
        if (e == null) throw new IllegalArgumentException(String.format("0x%x is not a device address of this process", address));
        long off = address - e.getKey();
        return off == 0 ? e.getValue() : e.getValue().withByteOffset(off);
    }

    @Override public String describe() {
        return String.format("%s (sm_%d%d, %d SMs, %.1f GiB, driver %d.%d)", deviceName, ccMajor, ccMinor,
                smCount, totalMemory / (1024.0 * 1024 * 1024), driverVersion / 1000, (driverVersion % 1000) / 10);
    }
    @Override public String deviceName() { return deviceName; }
    @Override public int computeCapabilityMajor() { return ccMajor; }
    @Override public int computeCapabilityMinor() { return ccMinor; }
    @Override public int multiprocessorCount() { return smCount; }
    @Override public long totalMemory() { return totalMemory; }
    @Override public int driverVersion() { return driverVersion; }

    @Override public long[] memoryInfo() {
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return new long[]{free[0], total[0]};
    }

    @Override public long allocate(long bytes) {
        makeCurrent();
        DeviceAddress p = new DeviceAddress();
        try {
            JCudaDriver.cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY)))
                throw new OutOfDeviceMemory("cuMemAlloc of " + bytes + " bytes: out of device memory");
            throw e;
        }
        allocations.put(p.value(), p);
        return p.value();
    }

    @Override public void free(long address) {
        makeCurrent();
        DeviceAddress p = allocations.remove(address);
        if (p == null) throw new IllegalArgumentException(String.format("free of 0x%x, which is not an allocation", address));
        JCudaDriver.cuMemFree(p);
    }

    @Override public void copyToDevice(long dst, float[] src, int srcOffset, int count) {
        upload(dst, count, () -> Pointer.to(src).withByteOffset(srcOffset * 4L), (ring, to) -> ring.upload(to, src, srcOffset, count));
    }

    @Override public void copyToDevice(long dst, int[] src, int srcOffset, int count) {
        upload(dst, count, () -> Pointer.to(src).withByteOffset(srcOffset * 4L), (ring, to) -> ring.upload(to, src, srcOffset, count));
    }

    /** count floats or ints to dst: through the pinned ring when they fit (no wait), else a synchronous copy from host. */
    private void upload(long dst, int count, java.util.function.Supplier<Pointer> host,
            java.util.function.BiConsumer<PinnedStaging, CUdeviceptr> staged) {
        makeCurrent();
        if (count == 0) return;
        if (staging != null && PinnedStaging.fits(count)) {
            if (profile != null) profile.add("(copy host -> device, pinned: no wait)", 0);
            synchronized (staging) {
                staged.accept(staging, pointer(dst));
            }
            return;
        }
        if (profile != null) profile.add("(copy host -> device)", 0);
        JCudaDriver.cuMemcpyHtoD(pointer(dst), host.get(), count * 4L);
    }

    @Override public void copyToHost(float[] dst, int dstOffset, long src, int count) {
        makeCurrent();
        if (profile != null) profile.add("(copy device -> host)", 0);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(dstOffset * 4L), pointer(src), count * 4L);
    }

    @Override public void copyToHost(int[] dst, int dstOffset, long src, int count) {
        makeCurrent();
        if (profile != null) profile.add("(copy device -> host)", 0);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(dstOffset * 4L), pointer(src), count * 4L);
    }

    @Override public void copyDeviceToDevice(long dst, long src, long bytes) {
        makeCurrent();
        if (profile != null) profile.add("(device -> device copy)", 0);
        JCudaDriver.cuMemcpyDtoD(pointer(dst), pointer(src), bytes);
    }

    @Override public void fill32(long dst, int bits, long count) {
        makeCurrent();
        if (profile != null) profile.add("(memset)", 0);
        JCudaDriver.cuMemsetD32(pointer(dst), bits, count);
    }

    private CUfunction function(String module, String kernel) {
        String key = module + ':' + kernel;
        CUfunction f = functions.get(key);
        if (f != null) return f;
        CUmodule m = modules.computeIfAbsent(module, n -> {
            CUmodule loaded = new CUmodule();
            try {
                JCudaDriver.cuModuleLoadData(loaded, CudaRuntime.ptxSource(n));
            } catch (RuntimeException e) {
                throw new IllegalStateException("loading PTX module '" + n + "' failed (JIT): " + e.getMessage(), e);
            }
            return loaded;
        });
        f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, m, kernel);
        functions.put(key, f);
        return f;
    }

    @Override public void launch(String module, String kernel, LaunchShape shape, Object[] args) {
        makeCurrent();
        CUfunction f = function(module, kernel);
        LaunchArgs.Mode mode = argMode;
        Pointer extra = mode == LaunchArgs.Mode.PACKED ? packed.get().extra(kernel, args) : null;      // see LaunchArgs
        Pointer params = extra != null
                ? null
                : mode != LaunchArgs.Mode.ARRAYS && args.length <= LaunchArgs.Slots.MAX
                        ? slots.get().params(kernel, args)
                        : LaunchArgs.arrays(kernel, args);
        if (profile == null) {
            cuLaunchKernel(f, shape, params, extra);
            return;
        }
        if (launchEvents != null) {
            launchEvents.around(module + ":" + kernel,
                    () -> cuLaunchKernel(f, shape, params, extra));
            return;
        }
        JCudaDriver.cuCtxSynchronize();                 // the kernel's own time: nothing else queued around it
        long t0 = System.nanoTime();
        cuLaunchKernel(f, shape, params, extra);
        JCudaDriver.cuCtxSynchronize();
        profile.add(module + ":" + kernel, System.nanoTime() - t0);
    }

    private static void cuLaunchKernel(CUfunction f, LaunchShape s, Pointer params, Pointer extra) {
        JCudaDriver.cuLaunchKernel(f, s.gridX(), s.gridY(), s.gridZ(), s.blockX(), s.blockY(), s.blockZ(), s.sharedBytes(), null,
                params, extra);
    }

    private volatile LaunchArgs.Mode argMode = LaunchArgs.configured();
    private final ThreadLocal<LaunchArgs.Slots> slots = ThreadLocal.withInitial(LaunchArgs.Slots::new);
    private final ThreadLocal<LaunchArgs.Packed> packed = ThreadLocal.withInitial(LaunchArgs.Packed::new);

    /** Switches the argument path (CudaBench compares them in one process). */
    void argMode(LaunchArgs.Mode mode) { argMode = mode; }

    LaunchArgs.Mode argMode() { return argMode; }

    @Override public void synchronize() {
        makeCurrent();
        JCudaDriver.cuCtxSynchronize();
        if (launchEvents != null) launchEvents.drain();
    }

    /**
     * {@code -Dmedualtime.cuda.profile=events}: each launch between two events on the stream, their
     * elapsed times read in batches - the host never waits for one kernel, so the step keeps its pace
     * (the sum bounds the GPU's busy time from above: see KernelProfile). Events are reused; call sites
     * are taken at launch.
     */
    private final class LaunchEvents {
        private static final int BATCH = 512;
        private final KernelProfile profile;
        private final java.util.ArrayDeque<CUevent> spare = new java.util.ArrayDeque<>();
        private final java.util.List<Object[]> pending = new java.util.ArrayList<>();   // keys, start, stop

        LaunchEvents(KernelProfile profile) {
            this.profile = profile;
            profile.beforePrint(() -> {
                try {
                    synchronize();
                } catch (RuntimeException ignored) {}
            });
        }

        synchronized void around(String kernel, Runnable launch) {
            CUevent start = event(), stop = event();
            JCudaDriver.cuEventRecord(start, null);
            launch.run();
            JCudaDriver.cuEventRecord(stop, null);
            pending.add(new Object[]{profile.keys(kernel), start, stop});
            if (pending.size() >= BATCH) drain();
        }

        synchronized void drain() {
            if (pending.isEmpty()) return;
            makeCurrent();
            JCudaDriver.cuEventSynchronize((CUevent) pending.get(pending.size() - 1)[2]);
            float[] ms = new float[1];
            for (Object[] p : pending) {
                JCudaDriver.cuEventElapsedTime(ms, (CUevent) p[1], (CUevent) p[2]);
                profile.add((String[]) p[0], Math.round(ms[0] * 1e6));
                spare.add((CUevent) p[1]);
                spare.add((CUevent) p[2]);
            }
            pending.clear();
        }

        private CUevent event() {
            CUevent e = spare.poll();
            if (e != null) return e;
            e = new CUevent();
            JCudaDriver.cuEventCreate(e, 0);
            return e;
        }
    }

    @Override public float elapsedMillis(Runnable work) {
        synchronize();
        CUevent start = new CUevent(), stop = new CUevent();
        JCudaDriver.cuEventCreate(start, 0);
        JCudaDriver.cuEventCreate(stop, 0);
        try {
            JCudaDriver.cuEventRecord(start, null);
            work.run();
            JCudaDriver.cuEventRecord(stop, null);
            JCudaDriver.cuEventSynchronize(stop);
            float[] ms = new float[1];
            JCudaDriver.cuEventElapsedTime(ms, start, stop);
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
        }
    }
}
