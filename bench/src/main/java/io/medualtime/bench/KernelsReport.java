package io.medualtime.bench;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.Sgemm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every kernel family's JMH benchmark ({@link SgemmKernels}, {@link CpuKernels},
 * {@link ComposedKernels}) and the roofline ({@link FmaPeak}, {@link Roofline}) in one JMH run and
 * prints one table: kernel, size, time per call, GFLOPS and GB/s, and the fraction of the roofline,
 * i.e. the time the roofline allows (max of flops / FMA peak and bytes / STREAM bandwidth) over the
 * time measured (the mean of the iterations). The FMA peak is one core's measured rate (its best
 * iteration) times the kernels' thread count; the bandwidth is the best iteration of the best STREAM
 * kernel at the largest size. A memory-bound kernel also gets its fraction of the STREAM kernel with
 * its own access pattern ({@link CpuKernels#pattern}; column "pattern"): the in-place update, usually
 * the best, moves no write-allocate traffic, which a kernel writing a fresh array cannot avoid.
 *
 * <pre>bench/kernels.sh [--long] [--cputime] [regex]      (java -cp bench/target-gemm/benchmarks.jar io.medualtime.bench.KernelsReport ...)</pre>
 * {@code --cputime}: rates from the busiest thread's CPU time per call ({@link CpuTimeProfiler}) instead
 * of the wall time, far less disturbed when other processes share the cores; the table always shows the
 * wall time, the process CPU time (all threads) and the busiest thread's;
 * {@code --long}: 3 x 2 s warm-up and 5 x 2 s measurement per benchmark instead of 2 x 0.5 s and 3 x 0.5 s;
 * {@code --log FILE}: where JMH's own output goes (default: discarded); a regex selects benchmarks
 * (the roofline always runs).
 */
public final class KernelsReport {
    private KernelsReport() {}

    public static void main(String[] args) throws RunnerException {
        boolean longRun = false, cpuTime = false;
        String log = null, filter = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--long" -> longRun = true;
                case "--cputime" -> cpuTime = true;
                case "--log" -> log = args[++i];
                default -> filter = args[i];
            }
        }
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(FmaPeak.class.getName()).include(Roofline.class.getName())
                .forks(1).shouldFailOnError(true).addProfiler(CpuTimeProfiler.class)
                .warmupIterations(longRun ? 3 : 2).warmupTime(TimeValue.milliseconds(longRun ? 2000 : 500))
                .measurementIterations(longRun ? 5 : 3).measurementTime(TimeValue.milliseconds(longRun ? 2000 : 500));
        for (Class<?> c : List.of(SgemmKernels.class, CpuKernels.class, ComposedKernels.class))
            opts.include(c.getName() + "\\." + (filter == null ? "" : ".*(?:" + filter + ")"));
        opts.output(log != null ? log : System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
        System.err.println("running JMH (" + (longRun ? "long" : "short") + " iterations)" + (log != null ? ", log: " + log : "") + " ...");
        Collection<RunResult> results = new Runner(opts.build()).run();
        print(results, longRun, cpuTime);
    }

    /**
     * The time a rate is computed from, ms: the wall time, or with cpuTime the busiest thread's CPU time
     * (about the wall time it would take with its cores to itself).
     */
    private static double ms(RunResult r, boolean cpuTime) {
        return cpuTime ? r.getSecondaryResults().get(CpuTimeProfiler.BUSIEST).getScore() : r.getPrimaryResult().getScore();
    }

    /** The same for the roofline: its best (shortest) iteration, since a peak is what the machine can do. */
    private static double bestMs(RunResult r, boolean cpuTime) {
        return (cpuTime ? r.getSecondaryResults().get(CpuTimeProfiler.BUSIEST) : r.getPrimaryResult()).getStatistics().getMin();
    }

    private static void print(Collection<RunResult> results, boolean longRun, boolean cpuTime) {
        int threads = Parallel.threads();
        double corePeak = 0, bandwidth = 0, bandwidthMid = 0;
        Map<String, Double> patternBandwidth = new HashMap<>();
        int largest = 0;
        for (RunResult r : results) {
            String cls = className(r);
            double ms = bestMs(r, cpuTime);
            if (cls.equals("FmaPeak")) corePeak = FmaPeak.fmaFlops() / (ms * 1e-3) / 1e9;
            if (cls.equals("Roofline")) largest = Math.max(largest, Integer.parseInt(r.getParams().getParam("n")));
        }
        for (RunResult r : results) {
            if (!className(r).equals("Roofline")) continue;
            int n = Integer.parseInt(r.getParams().getParam("n"));
            double gbs = Roofline.bytesPerElement(method(r)) * n / (bestMs(r, cpuTime) * 1e-3) / 1e9;
            if (n == largest) {
                bandwidth = Math.max(bandwidth, gbs);
                patternBandwidth.put(method(r), gbs);
            } else bandwidthMid = Math.max(bandwidthMid, gbs);
        }
        double peak = corePeak * threads;
        System.out.println("CPU:       " + cpuModel() + ", " + Parallel.cores() + " cores, kernels on " + threads + " threads");
        System.out.println("load:      " + load() + " (1, 5, 15 min) at the end of the run");
        System.out.println("java:      " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; JMH " + (longRun ? "long (3x2 s warm-up, 5x2 s)" : "short (2x0.5 s warm-up, 3x0.5 s)"));
        System.out.println("sgemm:     " + Sgemm.blocking());
        System.out.println("clock:     " + (cpuTime
                ? "--cputime: rates from the busiest thread's CPU time (less disturbed by other work)"
                : "wall time (on a shared machine rerun with --cputime)"));
        System.out.printf(
                "roofline:  FMA %.1f GFLOPS per core measured (best iteration) (nominal %.1f: vector width x 2 units x clock) x %d threads = %.1f GFLOPS;%n",
                corePeak, FmaPeak.nominalCoreGflops(), threads, peak);
        System.out.printf(
                "           STREAM (best of copy, scale, triad, update, sum; %d threads) %.1f GB/s at %d MB per array (%.1f GB/s at the smaller size)%n",
                threads, bandwidth, largest * 4L >> 20, bandwidthMid);
        System.out.println(
                "           pattern: a memory-bound kernel's GB/s over the STREAM kernel with its access pattern, same size class");
        System.out.println();
        System.out.printf("| %-36s | %-28s | %8s | %8s | %8s | %8s | %7s | %8s | %7s |%n", "kernel", "size", "wall ms", "CPU ms", "busiest",
                "GFLOPS", "GB/s", "roofline", "pattern");
        System.out.println(
                "|--------------------------------------|------------------------------|---------:|---------:|---------:|---------:|--------:|---------:|--------:|");
        List<String> rows = new ArrayList<>();
        for (RunResult r : results) {
            String cls = className(r), m = method(r);
            boolean roof = cls.equals("FmaPeak") || cls.equals("Roofline");
            double ms = roof ? bestMs(r, cpuTime) : ms(r, cpuTime), flops, bytes;
            String name, size, pattern = "";
            switch (cls) {
                case "SgemmKernels" -> {
                    size = r.getParams().getParam("shape");
                    name = "sgemm " + r.getParams().getParam("trans") + (size.split("x").length > 3 ? " batched" : "");
                    flops = SgemmKernels.flops(size);
                    bytes = 0;
                }
                case "CpuKernels" -> {
                    name = m;
                    size = CpuKernels.size(m);
                    flops = 0;
                    bytes = CpuKernels.bytes(m);
                    Double own = patternBandwidth.get(CpuKernels.pattern(m));
                    if (own != null) pattern = String.format("%.2f", bytes / (ms * 1e-3) / 1e9 / own);
                }
                case "ComposedKernels" ->
                    { name = m; size = ComposedKernels.size(m); flops = ComposedKernels.flops(m); bytes = ComposedKernels.bytes(m); }
                case "FmaPeak" -> { name = "(roofline) FMA loop, 1 thread"; size = "12 chains"; flops = FmaPeak.fmaFlops(); bytes = 0; }
                default -> {
                    int n = Integer.parseInt(r.getParams().getParam("n"));
                    name = "(roofline) STREAM " + m.substring(6).toLowerCase() + (m.equals("streamUpdate") ? " (in place)" : "");
                    size = (n * 4L >> 20) + " MB arrays";
                    flops = 0;
                    bytes = Roofline.bytesPerElement(m) * n;
                }
            }
            double s = ms * 1e-3, bound = Math.max(flops / (peak * 1e9), bytes / (bandwidth * 1e9));
            rows.add(String.format("| %-36s | %-28s | %8.3f | %8.3f | %8.3f | %8s | %7s | %8s | %7s |", name, size,
                    r.getPrimaryResult().getScore(),
                    r.getSecondaryResults().get(CpuTimeProfiler.PROCESS).getScore(),
                    r.getSecondaryResults().get(CpuTimeProfiler.BUSIEST).getScore(),
                    flops > 0 ? String.format("%.1f", flops / s / 1e9) : "", bytes > 0 ? String.format("%.1f", bytes / s / 1e9) : "",
                    roof ? "" : String.format("%.2f", bound / s), pattern));
        }
        rows.forEach(System.out::println);
    }

    private static String className(RunResult r) {
        String b = r.getParams().getBenchmark();
        String[] p = b.split("\\.");
        return p[p.length - 2];
    }

    private static String method(RunResult r) {
        String b = r.getParams().getBenchmark();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.split(":", 2)[1].trim();
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the OS's architecture name below
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    private static String load() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + ", " + p[1] + ", " + p[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
