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
 * (names as printed, without the module) also counts where in the ops and models those launches come from.
 */
public final class KernelProfile {
    private static volatile KernelProfile active;
    private final Map<String, LongAdder[]> kernels = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> sites = new ConcurrentHashMap<>();
    private final java.util.Set<String> siteKernels = java.util.Set.of(System.getProperty("medualtime.cuda.profile.sites", "").split(","));

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
        LongAdder[] a = kernels.computeIfAbsent(kernel, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
        String name = kernel.substring(kernel.indexOf(':') + 1);
        if (siteKernels.contains(name)) sites.computeIfAbsent(name + " <- " + callSite(), k -> new LongAdder()).increment();
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
        kernels.entrySet().stream()
            .sorted((x, y) -> Long.compare(y.getValue()[1].sum(), x.getValue()[1].sum()))
            .forEach(e -> b.append(String.format("  %-36s %8d %9.3f%n", e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e9)));
        if (!sites.isEmpty()) b.append("[medualtime] call sites (launches, kernel <- frames):\n");
        sites.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().sum(), x.getValue().sum()))
            .forEach(e -> b.append(String.format("  %6d %s%n", e.getValue().sum(), e.getKey())));
        System.err.print(b);
    }
}
