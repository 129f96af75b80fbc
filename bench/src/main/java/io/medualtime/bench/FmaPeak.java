package io.medualtime.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.*;

/**
 * One core's measured vector FMA rate, the compute roofline of {@link KernelsReport}: 12 independent
 * chains of FMAs on the preferred vector width (enough chains to cover the FMA latency on every x86-64
 * core), x = x * m + d converging, so no value overflows or goes subnormal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Loop trips per call: 12 chains x FMA_TRIPS vector FMAs. */
    static final int FMA_TRIPS = 1 << 20;

    /** Flops of one {@link #fmaPeak} call. */
    static double fmaFlops() { return 12.0 * FMA_TRIPS * S.length() * 2; }

    /** One core's vector FMA peak. */
    // @formatter:off (twelve independent FMA chains, four to a line)
    @Benchmark
    public float fmaPeak() {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), d = FloatVector.broadcast(S, 1e-6f);
        FloatVector x0 = FloatVector.broadcast(S, 1f), x1 = x0.add(1f), x2 = x0.add(2f), x3 = x0.add(3f);
        FloatVector x4 = x0.add(4f), x5 = x0.add(5f), x6 = x0.add(6f), x7 = x0.add(7f);
        FloatVector x8 = x0.add(8f), x9 = x0.add(9f), x10 = x0.add(10f), x11 = x0.add(11f);
        for (int i = 0; i < FMA_TRIPS; i++) {
            x0 = x0.fma(m, d); x1 = x1.fma(m, d); x2 = x2.fma(m, d); x3 = x3.fma(m, d);
            x4 = x4.fma(m, d); x5 = x5.fma(m, d); x6 = x6.fma(m, d); x7 = x7.fma(m, d);
            x8 = x8.fma(m, d); x9 = x9.fma(m, d); x10 = x10.fma(m, d); x11 = x11.fma(m, d);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11).reduceLanes(VectorOperators.ADD);
    }
    // @formatter:on

    /**
     * The nominal single-precision FMA peak of one core in GFLOPS: lanes x 2 FMA units x 2 flops x
     * the clock in /proc/cpuinfo (0 when unknown). Nominal only: Zen 4 runs 512-bit FMAs at half
     * that rate (two 256-bit units), and clocks move; the measured {@link #fmaPeak} is the roofline.
     */
    static double nominalCoreGflops() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")))
                if (line.startsWith("cpu MHz")) return S.length() * 2 * 2 * Double.parseDouble(line.split(":")[1].trim()) / 1e3;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
