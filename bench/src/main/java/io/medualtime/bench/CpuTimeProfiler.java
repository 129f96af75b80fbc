package io.medualtime.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that adds CPU times per operation to each iteration: the whole process's
 * ({@value #PROCESS}, all threads, JIT and GC included) and the busiest Java thread's ({@value #BUSIEST}).
 * On a machine shared with other work the wall time includes waiting for a core and CPU time does not;
 * the busiest thread's time approximates the wall time with the cores to oneself whether a parallel
 * kernel's chunks were shared out evenly or (a worker descheduled) all taken by one thread
 * ({@link KernelsReport} --cputime). It leaves out GC threads, which are not Java threads.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    static final String PROCESS = "cpu.process/op", BUSIEST = "cpu.busiest/op";
    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
            .getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long processStart;
    private final Map<Long, Long> threadStart = new HashMap<>();

    @Override public String getDescription() { return "process and busiest-thread CPU time per operation"; }

    @Override public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        threadStart.clear();
        for (long id : THREADS.getAllThreadIds()) threadStart.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        processStart = OS.getProcessCpuTime();
    }

    @Override public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
            IterationResult result) {
        double process = (OS.getProcessCpuTime() - processStart) / 1e6, ops = Math.max(1, result.getMetadata().getAllOps());
        long busiest = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) busiest = Math.max(busiest, t - threadStart.getOrDefault(id, 0L));
        }
        return List.of(new ScalarResult(PROCESS, process / ops, "ms/op", AggregationPolicy.AVG),
                new ScalarResult(BUSIEST, busiest / 1e6 / ops, "ms/op", AggregationPolicy.AVG));
    }
}
