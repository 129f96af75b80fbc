package io.medualtime.tensor.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The process-wide CUDA driver-API runtime (JCuda): device 0, its PRIMARY context (so that cuBLAS,
 * which also uses the primary context, shares it), the legacy default stream, and a cache of PTX
 * modules / kernel functions loaded from the {@code /kernels/<name>.ptx} classpath resources.
 *
 * <p>Availability is probed once and never throws: {@link #isAvailable()} is false (with
 * {@link #unavailableReason()}) when the JCuda natives cannot load, libcuda.so.1 is missing, cuInit
 * fails or there is no device. Everything else throws {@link IllegalStateException} when CUDA is not
 * available and {@link jcuda.CudaException} on driver errors.
 *
 * <p>Threads: a CUDA context is current per OS thread; every entry point calls {@link #makeCurrent()},
 * which binds the primary context lazily (once) on the calling thread. All work goes to the legacy
 * default stream, so it is ordered and synchronous copies wait for preceding kernels.
 */
public final class CudaRuntime {

    private static final Object INIT_LOCK = new Object();
    private static volatile CudaRuntime instance;
    private static volatile String unavailable; // null until probed; "" when available

    private final CUdevice device;
    private final CUcontext context;
    private final String deviceName;
    private final int ccMajor, ccMinor, smCount, driverVersion;
    private final long totalMemory;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final Map<String, CUmodule> modules = new ConcurrentHashMap<>();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();

    private CudaRuntime() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] < 1) throw new IllegalStateException("no CUDA device (cuDeviceGetCount = 0)");
        device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        current.set(Boolean.TRUE);
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
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** Probes CUDA once; never throws and never crashes on a machine without a GPU. */
    public static boolean isAvailable() {
        probe();
        return instance != null;
    }

    /** Why CUDA is unavailable ("" when it is available). */
    public static String unavailableReason() {
        probe();
        return unavailable;
    }

    /** The runtime; throws IllegalStateException with the reason when CUDA is unavailable. */
    public static CudaRuntime get() {
        probe();
        CudaRuntime r = instance;
        if (r == null) throw new IllegalStateException("CUDA unavailable: " + unavailable);
        r.makeCurrent();
        return r;
    }

    private static void probe() {
        if (unavailable != null) return;
        synchronized (INIT_LOCK) {
            if (unavailable != null) return;
            if (Boolean.getBoolean("medualtime.cuda.disable")) {
                unavailable = "disabled by -Dmedualtime.cuda.disable=true";
                return;
            }
            try {
                instance = new CudaRuntime();
                unavailable = "";
            } catch (UnsatisfiedLinkError e) {
                unavailable = "JCuda driver natives or libcuda.so.1 could not be loaded: " + firstLine(e.getMessage());
            } catch (NoClassDefFoundError e) {
                unavailable = "JCuda classes could not be initialised: " + firstLine(e.toString());
            } catch (Throwable e) { // CudaException (no driver / no device), IllegalStateException, ...
                unavailable = "CUDA initialisation failed: " + firstLine(e.toString());
            }
        }
    }

    static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        s = (nl >= 0 ? s.substring(0, nl) : s).trim();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Binds the primary context to the calling thread (once per thread). */
    public void makeCurrent() {
        if (!current.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    public CUdevice device() { return device; }
    public CUcontext context() { return context; }
    /** The stream all work is issued to: the legacy default stream (null handle). */
    public CUstream stream() { return null; }
    public String deviceName() { return deviceName; }
    public int computeCapabilityMajor() { return ccMajor; }
    public int computeCapabilityMinor() { return ccMinor; }
    public int multiprocessorCount() { return smCount; }
    public long totalMemory() { return totalMemory; }
    public int driverVersion() { return driverVersion; }

    /** Free and total device memory in bytes. */
    public long[] memoryInfo() {
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return new long[] {free[0], total[0]};
    }

    public String describe() {
        return String.format("%s (sm_%d%d, %d SMs, %.1f GiB, driver %d.%d)", deviceName, ccMajor, ccMinor,
            smCount, totalMemory / (1024.0 * 1024 * 1024), driverVersion / 1000, (driverVersion % 1000) / 10);
    }

    /** Waits for all queued device work. */
    public void synchronize() {
        makeCurrent();
        JCudaDriver.cuCtxSynchronize();
    }

    // ------------------------------------------------------------------------------------------
    // modules and kernels

    /** The PTX text of kernels/&lt;module&gt;.ptx (classpath first, then -Dmedualtime.kernels.dir, ./kernels, ../kernels). */
    public static String ptxSource(String module) {
        String res = "/kernels/" + module + ".ptx";
        try (InputStream in = CudaRuntime.class.getResourceAsStream(res)) {
            if (in != null) return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + res, e);
        }
        String dir = System.getProperty("medualtime.kernels.dir");
        for (String d : new String[] {dir, "kernels", "../kernels"}) {
            if (d == null) continue;
            Path p = Path.of(d, module + ".ptx");
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readString(p, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + p, e);
                }
            }
        }
        throw new IllegalStateException("PTX module not found: " + res);
    }

    /** Loads (once) and returns the module kernels/&lt;name&gt;.ptx. */
    public CUmodule module(String name) {
        makeCurrent();
        return modules.computeIfAbsent(name, n -> {
            CUmodule m = new CUmodule();
            try {
                JCudaDriver.cuModuleLoadData(m, ptxSource(n));
            } catch (RuntimeException e) {
                throw new IllegalStateException("loading PTX module '" + n + "' failed (JIT): " + e.getMessage(), e);
            }
            return m;
        });
    }

    /** The kernel function {@code kernel} of module {@code module} (cached). */
    public CUfunction function(String module, String kernel) {
        String key = module + ':' + kernel;
        CUfunction f = functions.get(key);
        if (f != null) return f;
        CUmodule m = module(module);
        f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, m, kernel);
        functions.put(key, f);
        return f;
    }

    /**
     * Launches {@code module:kernel}. Arguments map to kernel parameters in order:
     * {@link DeviceBuffer} / {@link CUdeviceptr} / {@link Pointer} -> .u64 device pointer,
     * {@code null} -> a null (0) .u64 pointer, Integer -> .u32/.s32, Long -> .u64/.s64,
     * Float -> .f32, Double -> .f32 (narrowed), Boolean -> .u32 0/1.
     */
    public void launch(String module, String kernel, int gridX, int gridY, int gridZ,
                       int blockX, int blockY, int blockZ, int sharedBytes, Object... args) {
        CUfunction f = function(module, kernel);
        NativePointerObject[] ps = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) ps[i] = param(args[i]);
        JCudaDriver.cuLaunchKernel(f, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, null,
            Pointer.to(ps), null);
    }

    private static Pointer param(Object a) {
        if (a == null) return Pointer.to(new long[] {0L});
        if (a instanceof DeviceBuffer) return Pointer.to(((DeviceBuffer) a).ptr());
        if (a instanceof Pointer) return Pointer.to((Pointer) a);
        if (a instanceof Integer) return Pointer.to(new int[] {(Integer) a});
        if (a instanceof Long) return Pointer.to(new long[] {(Long) a});
        if (a instanceof Float) return Pointer.to(new float[] {(Float) a});
        if (a instanceof Double) return Pointer.to(new float[] {((Double) a).floatValue()});
        if (a instanceof Boolean) return Pointer.to(new int[] {((Boolean) a) ? 1 : 0});
        throw new IllegalArgumentException("unsupported kernel argument type: " + a.getClass());
    }

    /** A 1-D grid size for a grid-stride kernel over n elements with 256-thread blocks. */
    public int gridFor(long n) {
        long blocks = (n + 255) / 256;
        long cap = (long) smCount * 32;
        return (int) Math.max(1, Math.min(blocks, cap));
    }
}
