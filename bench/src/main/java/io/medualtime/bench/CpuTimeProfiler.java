package io.medualtime.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that adds the benchmark process's CPU time per operation ({@value #LABEL}, ms/op,
 * all threads of the JVM together) to each iteration: on a machine shared with other work the wall
 * time includes waiting for a core, the CPU time does not ({@link KernelsReport} --cputime).
 */
public final class CpuTimeProfiler implements InternalProfiler {
    static final String LABEL = "cpu.time/op";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long start;

    @Override public String getDescription() { return "process CPU time per operation"; }

    @Override public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) { start = OS.getProcessCpuTime(); }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        double ms = (OS.getProcessCpuTime() - start) / 1e6, ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult(LABEL, ms / ops, "ms/op", AggregationPolicy.AVG));
    }
}
