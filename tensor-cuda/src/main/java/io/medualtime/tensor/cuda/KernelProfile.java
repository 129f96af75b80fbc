package io.medualtime.tensor.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Launches and time per kernel, and the host/device copies, printed to stderr at exit
 * ({@code -Dmedualtime.cuda.profile=true}). On a GPU each launch is bracketed by synchronisations, so
 * the time is the kernel's own (and the whole run slows down: use it for the distribution, not for
 * step times); on the PTX emulator it is the interpretation time. Copies are counted because each
 * synchronous cuMemcpy waits for every queued kernel. {@code -Dmedualtime.cuda.profile.sites=copy_strided,(memset)}
 * (names as printed, without the module; {@code all} for every kernel) also sums launches and time per
 * call site: where in the ops and models they come from (the 40 costliest are printed;
 * {@code -Dmedualtime.cuda.profile.siteRows=N} for more).
 * {@code -Dmedualtime.cuda.profile=events} times each kernel on the GPU between two events instead,
 * without waiting per launch, so the step keeps its pace. The interval also holds whatever time the
 * GPU spent waiting for the launch itself when the host was behind: the total is an upper bound on
 * the GPU's busy time (exact only while the GPU has work queued), not torch.profiler's kernel time.
 */
public final class KernelProfile {
    private final Map<String, LongAdder[]> kernels = new ConcurrentHashMap<>();
    private final Map<String, LongAdder[]> sites = new ConcurrentHashMap<>();
    private final java.util.Set<String> siteKernels = java.util.Set.of(System.getProperty("medualtime.cuda.profile.sites", "").split(","));
    private final boolean allSites = siteKernels.contains("all");
    private final boolean eventTimed = "events".equals(System.getProperty("medualtime.cuda.profile"));

    /** The profile when {@code -Dmedualtime.cuda.profile=true} or {@code events}, else null. */
    public static KernelProfile ifRequested() {
        String mode = System.getProperty("medualtime.cuda.profile", "false");
        if (mode.equals("false")) return null;
        if (!mode.equals("true") && !mode.equals("events"))
            throw new IllegalStateException("-Dmedualtime.cuda.profile must be true, events or false, not '" + mode + "'");
        return new KernelProfile();
    }

    /** Whether kernels are timed by GPU events (no wait per launch) rather than by synchronising around each. */
    public boolean eventTimed() {
        return eventTimed;
    }

    private KernelProfile() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "cuda-kernel-profile"));
    }

    /** One more launch (or copy, memset: names in parentheses) taking {@code nanos}. */
    public void add(String kernel, long nanos) {
        add(keys(kernel), nanos);
    }

    /** What a launch is counted under: the kernel and, where sites are asked for, its call site (taken now). */
    public String[] keys(String kernel) {
        String name = kernel.substring(kernel.indexOf(':') + 1);
        return new String[]{kernel, allSites || siteKernels.contains(name) ? name + " <- " + callSite() : null};
    }

    /** A launch whose time is known only later (event-timed), under the keys taken at launch. */
    public void add(String[] keys, long nanos) {
        count(kernels, keys[0], nanos);
        if (keys[1] != null) count(sites, keys[1], nanos);
    }

    private static void count(Map<String, LongAdder[]> into, String key, long nanos) {
        LongAdder[] a = into.computeIfAbsent(key, k -> new LongAdder[]{new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** The first frames above the tensor library's plumbing (backend, CUDA, autograd, Tensor's own methods). */
    private static String callSite() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("io.medualtime.tensor.cuda")
                        && !f.getClassName().startsWith("io.medualtime.tensor.backend"))
                .limit(4)
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName() + ":"
                        + f.getLineNumber())
                .collect(java.util.stream.Collectors.joining(" < ")));
    }

    private volatile Runnable beforePrint;

    /** Run before the table is printed (the event timer reads its last events). */
    void beforePrint(Runnable r) { beforePrint = r; }

    private void print() {
        if (beforePrint != null) beforePrint.run();
        StringBuilder b = new StringBuilder("[medualtime] CUDA kernel profile (kernel, launches, seconds"
                + (eventTimed ? " of GPU time between events" : "") + "):\n");
        table(b, kernels, Long.MAX_VALUE, "  %-36s %8d %9.3f%n");
        b.append(String.format("  %-36s %8d %9.3f%n", "TOTAL", kernels.values().stream().mapToLong(a -> a[0].sum()).sum(),
                kernels.values().stream().mapToLong(a -> a[1].sum()).sum() / 1e9));
        if (!sites.isEmpty()) b.append("[medualtime] call sites, costliest first (launches, seconds, kernel <- frames):\n");
        table(b, sites, Integer.getInteger("medualtime.cuda.profile.siteRows", 40), "  %s%n      %8d %9.3f%n");
        System.err.print(b);   // a report asked for (-Dmedualtime.cuda.profile), printed at exit: logging has shut down by then
    }

    /** Rows by time, then launches, most first (untimed drivers: by launches): name, launches, seconds (in the format's order). */
    private static void table(StringBuilder b, Map<String, LongAdder[]> rows, long limit, String format) {
        rows.entrySet().stream()
                .sorted((x, y) -> {
                    int byTime = Long.compare(y.getValue()[1].sum(), x.getValue()[1].sum());
                    return byTime != 0 ? byTime : Long.compare(y.getValue()[0].sum(), x.getValue()[0].sum());
                })
                .limit(limit)
                .forEach(e -> b.append(String.format(format, e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e9)));
    }
}
