package io.medualtime.bench;

import io.medualtime.tensor.cpu.Parallel;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The machine's memory roofline, measured with JMH (with {@link FmaPeak}, the compute one): a
 * STREAM-style bandwidth on all threads, one benchmark per access pattern ({@link #streamCopy} b = a,
 * {@link #streamScale} b = s a, {@link #streamTriad} a = b + s c, {@link #streamUpdate} a += s b,
 * {@link #streamSum} a read-only sum; bytes counted as STREAM does, reads plus writes, at sizes beyond
 * L2 and beyond L3). {@link KernelsReport} divides each kernel's rate by the best of these, and by the
 * one with the kernel's own pattern ({@link CpuKernels#pattern}): a store into an array not read first
 * also fetches its lines (write-allocate), traffic STREAM does not count, so a kernel writing a fresh
 * output can reach the scale or triad rate but never the in-place update's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class Roofline {
    /** Floats per STREAM array: 4 Mi (16 MB, beyond L2) and 32 Mi (128 MB, beyond any L3 here). */
    @Param({"4194304", "33554432"})
    public int n;

    private float[] a, b, c;

    @Setup public void setup() {
        Random r = new Random(1);
        a = new float[n];
        b = new float[n];
        c = new float[n];
        for (int i = 0; i < n; i++) { b[i] = r.nextFloat(); c[i] = r.nextFloat(); }
    }

    /** The bytes per element a STREAM benchmark counts (reads plus writes, as STREAM does). */
    static double bytesPerElement(String method) {
        return switch (method) {
            case "streamSum" -> 4;
            case "streamCopy", "streamScale" -> 8;
            default -> 12;
        };
    }

    /** b = a: 8 bytes per element. */
    @Benchmark public float[] streamCopy() {
        Parallel.range(n, 1 << 16, (s, e) -> System.arraycopy(a, s, b, s, e - s));
        return b;
    }

    /** b = 3 a: 8 bytes per element, the pattern of an elementwise map into a fresh array (GELU, layer norm). */
    @Benchmark public float[] streamScale() {
        Parallel.range(n, 1 << 16, (s, e) -> { for (int i = s; i < e; i++) b[i] = 3f * a[i]; });
        return b;
    }

    /**
     * The sum of a, 4 bytes per element read and nothing written (cross-entropy's forward reads the
     * logits only); four vector accumulators so the loop is not bound by the add latency.
     */
    @Benchmark public double streamSum() {
        double[] partial = new double[Parallel.maxThreads()];
        AtomicInteger next = new AtomicInteger();
        Parallel.range(n, 1 << 16, (s, e) -> {
            var sp = FloatVector.SPECIES_PREFERRED;
            FloatVector s0 = FloatVector.zero(sp), s1 = s0, s2 = s0, s3 = s0;
            int i = s, step = sp.length();
            for (; i + 4 * step <= e; i += 4 * step) {
                s0 = s0.add(FloatVector.fromArray(sp, a, i));
                s1 = s1.add(FloatVector.fromArray(sp, a, i + step));
                s2 = s2.add(FloatVector.fromArray(sp, a, i + 2 * step));
                s3 = s3.add(FloatVector.fromArray(sp, a, i + 3 * step));
            }
            float t = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
            for (; i < e; i++) t += a[i];
            partial[next.getAndIncrement()] = t;
        });
        double t = 0;
        for (double p : partial) t += p;
        return t;
    }

    /**
     * a += 3 b: 12 bytes per element, and no more: the line written was just read, so unlike copy and
     * triad (whose stores into an unread array also fetch its lines, a third more traffic than STREAM
     * counts) it moves what it counts, like AdamW's in-place update.
     */
    @Benchmark public float[] streamUpdate() {
        Parallel.range(n, 1 << 16, (s, e) -> { for (int i = s; i < e; i++) a[i] += 3f * b[i]; });
        return a;
    }

    /** a = b + 3 c: 12 bytes per element. */
    @Benchmark public float[] streamTriad() {
        Parallel.range(n, 1 << 16, (s, e) -> { for (int i = s; i < e; i++) a[i] = b[i] + 3f * c[i]; });
        return a;
    }
}
