package io.medualtime.bench;

import io.medualtime.tensor.cpu.Parallel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The machine's memory roofline, measured with JMH (with {@link FmaPeak}, the compute one): a
 * STREAM-style bandwidth on all threads ({@link #streamCopy} b = a, {@link #streamTriad} a = b + s c,
 * {@link #streamUpdate} a += s b; bytes counted as STREAM does, reads plus writes, at sizes beyond L2
 * and beyond L3).
 * {@link KernelsReport} divides each kernel's rate by these.
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
        return method.equals("streamCopy") ? 8 : 12;
    }

    /** b = a: 8 bytes per element. */
    @Benchmark public float[] streamCopy() {
        Parallel.range(n, 1 << 16, (s, e) -> System.arraycopy(a, s, b, s, e - s));
        return b;
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
