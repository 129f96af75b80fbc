package io.medualtime.tensor.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process-wide CUDA runtime: a thin facade over one {@link CudaDriver} (a real GPU through
 * {@link JCudaDriverApi}, or an {@link EmulatedDriver}), with the device information, the PTX sources of
 * {@code /kernels/<name>.ptx} and kernel launches whose arguments are normalised to the driver's types.
 *
 * <p>Availability is probed once and never throws: {@link #isAvailable()} is false (with
 * {@link #unavailableReason()}) when the driver cannot be opened (JCuda natives or libcuda.so.1
 * missing, cuInit fails, no device). Everything else throws {@link IllegalStateException} when CUDA is
 * not available, and whatever the driver throws on driver errors.
 *
 * <p>Device memory is addressed by 64-bit {@code long} device addresses. All work is ordered on one
 * stream, so synchronous copies wait for preceding kernels.
 */
public final class CudaRuntime {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cuda");

    private static final Object INIT_LOCK = new Object();
    private static volatile CudaRuntime instance;
    private static volatile String unavailable; // null until probed; "" when available

    private final CudaDriver driver;

    private CudaRuntime(CudaDriver driver) {
        this.driver = driver;
    }

    /**
     * The driver this process uses: the GPU through JCuda, or - as {@code -Dmedualtime.cuda.emulate}
     * says - the PTX emulator: {@code never} (default), {@code fallback} (when no GPU can be
     * opened; the test suite runs this way) or {@code always}; {@code host-only} runs no kernels at all
     * (the host's share of a step, for profiling). Both stand-ins are {@link EmulatedDriver}s of the test-jar.
     */
    private static CudaDriver openDriver() {
        String emulate = System.getProperty("medualtime.cuda.emulate", "never");
        // @formatter:off
        switch (emulate) {
            case "always": return emulated(EmulatedDriver.PTX);
            case "host-only": return emulated(EmulatedDriver.HOST_ONLY);      // no kernels: host overhead measurements only
            case "never": return new JCudaDriverApi();
            case "fallback":
                try {
                    return new JCudaDriverApi();
                } catch (Throwable e) {
                    if (find(EmulatedDriver.PTX) == null) throw e;            // no emulator either: the GPU's reason
                    LOG.log(System.Logger.Level.INFO, "CUDA: no GPU (" + firstLine(e.toString())
                        + "); kernels run on the PTX emulator (-Dmedualtime.cuda.emulate=fallback)");
                    return emulated(EmulatedDriver.PTX);
                }
            default:
                throw new IllegalStateException("-Dmedualtime.cuda.emulate must be never, fallback, always or host-only, not '" + emulate + "'");
        }
        // @formatter:on
    }

    /** The stand-in driver {@code name}; throws when the test-jar that holds it is not on the class path. */
    private static CudaDriver emulated(String name) {
        EmulatedDriver d = find(name);
        if (d == null)
            throw new IllegalStateException("-Dmedualtime.cuda.emulate: no '" + name + "' driver on the class path"
                    + " (it ships in io.medualtime:medualtime-tensor-cuda:test-jar)");
        return d.open();
    }

    private static EmulatedDriver find(String name) {
        for (EmulatedDriver d : ServiceLoader.load(EmulatedDriver.class, CudaRuntime.class.getClassLoader()))
            if (d.name().equals(name)) return d;
        return null;
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
                instance = new CudaRuntime(openDriver());
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

    /** The driver under this runtime (device memory, copies and launches on long addresses). */
    public CudaDriver driver() {
        return driver;
    }

    /** True when the device is not a real GPU through JCuda (the PTX emulator): cuBLAS is then unavailable. */
    public boolean isEmulated() {
        return !(driver instanceof JCudaDriverApi);
    }

    public String deviceName() { return driver.deviceName(); }
    public int computeCapabilityMajor() { return driver.computeCapabilityMajor(); }
    public int computeCapabilityMinor() { return driver.computeCapabilityMinor(); }
    public int multiprocessorCount() { return driver.multiprocessorCount(); }
    public long totalMemory() { return driver.totalMemory(); }
    public int driverVersion() { return driver.driverVersion(); }

    /** Free and total device memory in bytes. */
    public long[] memoryInfo() { return driver.memoryInfo(); }

    public String describe() { return driver.describe(); }

    /** Waits for all queued device work. */
    public void synchronize() { driver.synchronize(); }

    // ------------------------------------------------------------------------------------------
    // modules and kernels

    /**
     * The PTX of kernels/&lt;module&gt;.ptx as the driver loads it: its {@code #include "shared/..."}
     * lines expanded ({@link #expandIncludes}). Files come from the classpath first, then
     * -Dmedualtime.kernels.dir, ./kernels, ../kernels.
     */
    public static String ptxSource(String module) {
        return expandIncludes(kernelFile(module + ".ptx"), CudaRuntime::kernelFile);
    }

    private static final Pattern INCLUDE = Pattern.compile("^#include \"([^\"]+)\"\\s*(//.*)?$");

    /**
     * Each line {@code #include "path"} (path below kernels/, read by {@code read}) replaced by that
     * file's PTX with comments dropped and its lines joined into one, so that line numbers of the
     * including file stay right (in ptxas and emulator messages). The kernels share their exp, log
     * and tanh and their block reductions this way: ptxas has no preprocessor of its own.
     */
    public static String expandIncludes(String ptx, Function<String, String> read) {
        StringBuilder out = new StringBuilder(ptx.length() * 2);
        for (String line : ptx.split("\n", -1)) {
            Matcher m = INCLUDE.matcher(line.strip());
            if (!m.matches()) { out.append(line).append('\n'); continue; }
            String included = read.apply(m.group(1));
            if (included.lines().anyMatch(l -> l.startsWith("#include")))
                throw new IllegalStateException(m.group(1) + ": nested #include is not supported");
            out.append(included.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replace('\n', ' ')).append('\n');
        }
        out.setLength(out.length() - 1);        // the split's last piece added one newline too many
        return out.toString();
    }

    /** A file below kernels/ (classpath first, then -Dmedualtime.kernels.dir, ./kernels, ../kernels). */
    private static String kernelFile(String path) {
        String res = "/kernels/" + path;
        try (InputStream in = CudaRuntime.class.getResourceAsStream(res)) {
            if (in != null) return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + res, e);
        }
        String dir = System.getProperty("medualtime.kernels.dir");
        for (String d : new String[]{dir, "kernels", "../kernels"}) {
            if (d == null) continue;
            Path p = Path.of(d, path);
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readString(p, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + p, e);
                }
            }
        }
        throw new IllegalStateException("PTX file not found: " + res);
    }

    /**
     * Launches {@code module:kernel}. Arguments map to kernel parameters in order and are normalised to
     * the driver's types: {@link DeviceBuffer} -> Long (the address of element 0), {@code null} -> 0L
     * (a null .u64 pointer), Long -> .u64/.s64 (a device address or a 64-bit integer), Integer ->
     * .u32/.s32, Float -> .f32, Double -> Float (narrowed), Boolean -> Integer 0/1.
     */
    public void launch(String module, String kernel, LaunchShape shape, Object... args) {
        Object[] ps = new Object[args.length];
        for (int i = 0; i < args.length; i++) ps[i] = normalised(kernel, i, args[i]);
        driver.launch(module, kernel, shape, ps);
    }

    /** One launch argument as the driver takes it: Long, Integer or Float. */
    private static Object normalised(String kernel, int index, Object a) {
        if (a == null) return 0L;
        if (a instanceof DeviceBuffer) return ((DeviceBuffer) a).ptr();
        if (a instanceof Long || a instanceof Integer || a instanceof Float) return a;
        if (a instanceof Double) return ((Double) a).floatValue();
        if (a instanceof Boolean) return ((Boolean) a) ? 1 : 0;
        throw new IllegalArgumentException(kernel + ": argument " + index + " has unsupported type " + a.getClass().getName());
    }

    /** A 1-D grid size for a grid-stride kernel over n elements with 256-thread blocks. */
    public int gridFor(long n) {
        long blocks = (n + 255) / 256;
        long cap = (long) driver.multiprocessorCount() * 32;
        return (int) Math.max(1, Math.min(blocks, cap));
    }
}
