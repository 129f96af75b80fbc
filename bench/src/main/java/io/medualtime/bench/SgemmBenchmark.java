package io.medualtime.bench;

import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.cpu.ArrayMatrix;
import io.medualtime.tensor.cpu.Sgemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * JMH throughput of {@link Sgemm#sgemm} (C = A * B, row-major, all threads).
 * GFLOPS = (ops/s) * 2 * M * N * K / 1e9; for 1024x768x768, 1 op/s = 1.208 GFLOPS.
 *
 * <pre>java -jar bench/target-gemm/benchmarks.jar SgemmBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SgemmBenchmark {
    /** M x N x K; the 1- and 4-row shapes are GPT-2 decoding (the few-rows path, cpu/Gemv: memory-bound, compare bytes/s). */
    @Param({"1024x768x768", "1024x3072x768", "1024x768x3072", "2048x2048x2048", "1x2304x768", "4x3072x768"})
    public String shape;

    private int m, n, k;
    private float[] a, b, c;

    @Setup public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random r = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
    }

    @Benchmark public float[] sgemm() {
        Sgemm.sgemm(ArrayMatrix.of(c, 0, n), ArrayMatrix.of(a, 0, k), ArrayMatrix.of(b, 0, n), GemmShape.of(false, false, m, n, k), 1f, 0f);
        return c;
    }
}
