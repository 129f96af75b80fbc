package io.medualtime.tensor.cuda.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.medualtime.tensor.cuda.CudaDriver;
import io.medualtime.tensor.cuda.CudaRuntime;
import io.medualtime.tensor.cuda.EmulatedDriver;
import io.medualtime.tensor.cuda.KernelProfile;
import io.medualtime.tensor.cuda.LaunchShape;
import io.medualtime.tensor.cuda.emulator.PtxModule.Function;
import io.medualtime.tensor.cuda.emulator.PtxModule.Type;

/**
 * A CUDA device emulated on the CPU: the project's handwritten PTX kernels are parsed and
 * interpreted ({@link PtxParser}, {@link PtxBlock}) against emulated global memory
 * ({@link DeviceMemory}). It lets the whole CUDA backend - kernels, launch shapes, offsets, the
 * caching allocator - run and be tested on a machine without a GPU, as tinygrad's CI does with its
 * PTX emulation. It is slow (an interpreter: tens of millions of PTX instructions per second per
 * core) and meant for tests and small models, not for training.
 *
 * <p>Launches run synchronously, blocks spread over the CPU cores. Faults a GPU would hide or turn into
 * a crash are reported with the kernel, block, thread and PTX line: see {@link DeviceMemory} and
 * {@link PtxBlock}. Selected with {@code -Dmedualtime.cuda.emulate=fallback|always}.
 */
public final class PtxEmulator implements CudaDriver {

    private static final int MAX_THREADS_PER_BLOCK = 1024, MAX_SHARED_BYTES = 48 * 1024;
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ptx-emulator");
        t.setDaemon(true);
        return t;
    });

    private final DeviceMemory memory;
    private final KernelProfile profile = KernelProfile.ifRequested();
    private final Map<String, PtxModule> modules = new ConcurrentHashMap<>();
    private final int workers;
    /** Reported as the multiprocessor count: launch shapes and GEMM splits as on a GPU of that size. */
    private final int sms = Integer.getInteger("medualtime.cuda.emulator.sms", 0);

    /** An emulated device with {@code memoryBytes} of global memory, running blocks on {@code workers} threads. */
    public PtxEmulator(long memoryBytes, int workers) {
        this.memory = new DeviceMemory(memoryBytes);
        this.workers = Math.max(1, workers);
    }

    /** Memory: a quarter of the Java heap (-Dmedualtime.cuda.emulator.memoryBytes overrides); all cores. */
    public PtxEmulator() {
        this(Long.getLong("medualtime.cuda.emulator.memoryBytes", Runtime.getRuntime().maxMemory() / 4),
                Runtime.getRuntime().availableProcessors());
    }

    /** Registers the emulator with {@link CudaRuntime} (META-INF/services of the test-jar). */
    public static final class Provider implements EmulatedDriver {
        @Override public String name() { return PTX; }
        @Override public CudaDriver open() { return new PtxEmulator(); }
    }

    PtxModule module(String name) {
        return modules.computeIfAbsent(name, n -> PtxParser.parse(n, CudaRuntime.ptxSource(n)));
    }

    /** Registers PTX text as module {@code name} (tests: small kernels that are not in kernels/). */
    void load(String name, String ptx) {
        modules.put(name, PtxParser.parse(name, ptx));
    }

    @Override public String describe() {
        return String.format("PTX emulator on the CPU (%d threads, %.1f GiB emulated memory) - not a GPU", workers,
                memory.capacity() / (1024.0 * 1024 * 1024));
    }
    @Override public String deviceName() { return "PTX emulator"; }
    @Override public int computeCapabilityMajor() { return 7; }   // the .target our kernels declare
    @Override public int computeCapabilityMinor() { return 0; }
    /** The worker threads, or {@code -Dmedualtime.cuda.emulator.sms} (e.g. 132 to choose launch shapes as an H100 would). */
    @Override public int multiprocessorCount() {
        return sms > 0 ? sms : workers;
    }
    @Override public long totalMemory() { return memory.capacity(); }
    @Override public int driverVersion() { return 0; }
    @Override public long[] memoryInfo() { return new long[]{memory.capacity() - memory.usedBytes(), memory.capacity()}; }

    @Override public long allocate(long bytes) {
        Long a = memory.allocate(bytes);
        if (a == null)
            throw new OutOfDeviceMemory("emulated cuMemAlloc of " + bytes + " bytes: out of emulated device memory ("
                    + memory.usedBytes() + " of " + memory.capacity() + " bytes in use)");
        return a;
    }

    @Override public void free(long address) { memory.free(address); }

    @Override public void copyToDevice(long dst, float[] src, int srcOffset, int count) {
        if (count == 0) return;
        if (profile != null) profile.add("(copy host -> device: the stream drains)", 0);
        int[] w = memory.words(dst, count);
        int at = DeviceMemory.index(dst);
        for (int i = 0; i < count; i++) w[at + i] = Float.floatToRawIntBits(src[srcOffset + i]);
    }

    @Override public void copyToDevice(long dst, int[] src, int srcOffset, int count) {
        if (count == 0) return;
        if (profile != null) profile.add("(copy host -> device: the stream drains)", 0);
        System.arraycopy(src, srcOffset, memory.words(dst, count), DeviceMemory.index(dst), count);
    }

    @Override public void copyToHost(float[] dst, int dstOffset, long src, int count) {
        if (count == 0) return;
        if (profile != null) profile.add("(copy device -> host: the stream drains)", 0);
        int[] w = memory.words(src, count);
        int at = DeviceMemory.index(src);
        for (int i = 0; i < count; i++) dst[dstOffset + i] = Float.intBitsToFloat(w[at + i]);
    }

    @Override public void copyToHost(int[] dst, int dstOffset, long src, int count) {
        if (count == 0) return;
        if (profile != null) profile.add("(copy device -> host: the stream drains)", 0);
        System.arraycopy(memory.words(src, count), DeviceMemory.index(src), dst, dstOffset, count);
    }

    @Override public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) return;
        if (profile != null) profile.add("(device -> device copy)", 0);
        if (bytes % 4 != 0) throw new IllegalArgumentException("emulated copies move whole 32-bit words, got " + bytes + " bytes");
        int n = (int) (bytes / 4);
        System.arraycopy(memory.words(src, n), DeviceMemory.index(src), memory.words(dst, n), DeviceMemory.index(dst), n);
    }

    @Override public void fill32(long dst, int bits, long count) {
        if (count == 0) return;
        if (profile != null) profile.add("(memset)", 0);
        int at = DeviceMemory.index(dst);
        java.util.Arrays.fill(memory.words(dst, count), at, at + (int) count, bits);
    }

    @Override public void launch(String module, String kernel, LaunchShape shape, Object[] args) {
        int gridX = shape.gridX(), gridY = shape.gridY(), gridZ = shape.gridZ();
        int blockX = shape.blockX(), blockY = shape.blockY(), blockZ = shape.blockZ(), sharedBytes = shape.sharedBytes();
        PtxModule m = module(module);
        Function f = m.byName.get(kernel);
        if (f == null || !f.entry) throw new IllegalArgumentException("kernels/" + module + ".ptx has no kernel '" + kernel + "'");
        long[] params = params(f, args);
        long threads = (long) blockX * blockY * blockZ;
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || threads > MAX_THREADS_PER_BLOCK)
            throw new IllegalArgumentException(String.format("%s: invalid launch shape grid (%d,%d,%d) block (%d,%d,%d)",
                    kernel, gridX, gridY, gridZ, blockX, blockY, blockZ));
        if (m.staticSharedBytes + sharedBytes > MAX_SHARED_BYTES)
            throw new IllegalArgumentException(kernel + ": " + (m.staticSharedBytes + sharedBytes) + " bytes of shared memory > 48 KiB");
        long started = System.nanoTime();
        try {
            run(m, f, params, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes);
        } finally {
            if (profile != null) profile.add(module + ":" + kernel, System.nanoTime() - started);
        }
    }

    private void run(PtxModule m, Function f, long[] params, int gridX, int gridY, int gridZ,
            int blockX, int blockY, int blockZ, int sharedBytes) {
        String kernel = f.name;
        int blocks = gridX * gridY * gridZ;
        int n = Math.min(workers, blocks);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            PtxBlock block = new PtxBlock(m, f, memory, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes);
            for (int b; (b = next.getAndIncrement()) < blocks;)
                block.run(params, b % gridX, (b / gridX) % gridY, b / (gridX * gridY));
        };
        if (n == 1) {
            worker.run();
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) running.add(WORKERS.submit(worker));
        RuntimeException failure = null;
        for (Future<?> r : running) {
            try {
                r.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null)
                    failure = e.getCause() instanceof RuntimeException
                            ? (RuntimeException) e.getCause()
                            : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during an emulated launch of " + kernel, e);
            }
        }
        if (failure != null) throw failure;
    }

    /** The launch arguments as raw parameter bits, checked against the kernel's .param types. */
    private static long[] params(Function f, Object[] args) {
        if (args.length != f.paramNames.length)
            throw new IllegalArgumentException(f.name + " takes " + f.paramNames.length + " parameters, given " + args.length);
        long[] bits = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            Type t = f.paramTypes[i];
            Object a = args[i];
            boolean ok = t == Type.F32 ? a instanceof Float : t.bits == 64 ? a instanceof Long : a instanceof Integer;
            if (!ok)
                throw new IllegalArgumentException(String.format("%s: parameter %d (%s, .%s) given %s", f.name, i,
                        f.paramNames[i], t.name().toLowerCase(), a == null ? "null" : a.getClass().getSimpleName() + " " + a));
            bits[i] = t == Type.F32 ? Float.floatToRawIntBits((Float) a) : ((Number) a).longValue();
        }
        return bits;
    }

    @Override public void synchronize() {}  // launches and copies complete before they return

    @Override public float elapsedMillis(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }
}
