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
 * call site: where in the ops and models they come from (the 40 costliest are printed).
 */
public final class KernelProfile {
    private static volatile KernelProfile active;
    private final Map<String, LongAdder[]> kernels = new ConcurrentHashMap<>();
    private final Map<String, LongAdder[]> sites = new ConcurrentHashMap<>();
    private final java.util.Set<String> siteKernels = java.util.Set.of(System.getProperty("medualtime.cuda.profile.sites", "").split(","));
    private final boolean allSites = siteKernels.contains("all");

    /** The profile when {@code -Dmedualtime.cuda.profile=true}, else null. */
    public static KernelProfile ifRequested() {
        return Boolean.getBoolean("medualtime.cuda.profile") ? new KernelProfile() : null;
    }

    /** The profile of this process's CUDA driver, or null when none is recorded. */
    public static KernelProfile active() { return active; }

    private KernelProfile() {
        active = this;
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "cuda-kernel-profile"));
    }

    /** Launches (or copies, memsets) so far, per name. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        kernels.forEach((k, v) -> out.put(k, v[0].sum()));
        return out;
    }

    /** One more launch (or copy, memset: names in parentheses) taking {@code nanos}. */
    public void add(String kernel, long nanos) {
        count(kernels, kernel, nanos);
        String name = kernel.substring(kernel.indexOf(':') + 1);
        if (allSites || siteKernels.contains(name)) count(sites, name + " <- " + callSite(), nanos);
    }

    private static void count(Map<String, LongAdder[]> into, String key, long nanos) {
        LongAdder[] a = into.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** The first frames above the tensor library's plumbing (backend, CUDA, autograd, Tensor's own methods). */
    private static String callSite() {
        return StackWalker.getInstance().walk(frames -> frames
            .filter(f -> !f.getClassName().startsWith("io.medualtime.tensor.cuda") && !f.getClassName().startsWith("io.medualtime.tensor.backend"))
            .limit(4).map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber())
            .collect(java.util.stream.Collectors.joining(" < ")));
    }

    private void print() {
        StringBuilder b = new StringBuilder("[medualtime] CUDA kernel profile (kernel, launches, seconds):\n");
        table(b, kernels, Long.MAX_VALUE, "  %-36s %8d %9.3f%n");
        if (!sites.isEmpty()) b.append("[medualtime] call sites, costliest first (launches, seconds, kernel <- frames):\n");
        table(b, sites, 40, "  %s%n      %8d %9.3f%n");
        System.err.print(b);
    }

    /** Rows by time, most first: name, launches, seconds (in the format's order). */
    private static void table(StringBuilder b, Map<String, LongAdder[]> rows, long limit, String format) {
        rows.entrySet().stream()
            .sorted((x, y) -> Long.compare(y.getValue()[1].sum(), x.getValue()[1].sum()))
            .limit(limit)
            .forEach(e -> b.append(String.format(format, e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e9)));
    }
}
