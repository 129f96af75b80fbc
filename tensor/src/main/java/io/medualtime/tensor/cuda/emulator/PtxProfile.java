package io.medualtime.tensor.cuda.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the emulator's time goes: launches and wall time per kernel, printed to stderr at exit
 * ({@code -Dmedualtime.cuda.emulator.profile=true}). Shows which kernels make a test slow, and counts
 * what a GPU would pay for without a GPU to measure it: launches per kernel, and host/device copies
 * (synchronous cuMemcpy calls: each waits for every queued kernel).
 */
final class PtxProfile {
    private final Map<String, LongAdder[]> kernels = new ConcurrentHashMap<>();

    PtxProfile() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::print, "ptx-emulator-profile"));
    }

    void add(String kernel, long nanos) {
        LongAdder[] a = kernels.computeIfAbsent(kernel, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    private void print() {
        StringBuilder b = new StringBuilder("[medualtime] PTX emulator profile (kernel, launches, seconds):\n");
        kernels.entrySet().stream()
            .sorted((x, y) -> Long.compare(y.getValue()[1].sum(), x.getValue()[1].sum()))
            .forEach(e -> b.append(String.format("  %-36s %8d %9.2f%n", e.getKey(), e.getValue()[0].sum(), e.getValue()[1].sum() / 1e9)));
        System.err.print(b);
    }
}
