package io.medualtime.bench;

import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.cpu.ArrayMatrix;
import io.medualtime.tensor.cpu.Sgemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * {@link Sgemm} on all threads in every transpose (NN, NT = A B^T, TN = A^T B, TT), on GPT-2's MLP
 * products and, batched, attention's scores (48 = 4 sequences x 12 heads of Q K^T, 256 x 256 x 64).
 * GFLOPS = 2 M N K B / time ({@link #flops}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SgemmKernels {
    /** M x N x K, or M x N x K x batch. */
    @Param({"1024x3072x768", "1024x768x3072", "256x256x64x48"})
    public String shape;

    @Param({"NN", "NT", "TN", "TT"})
    public String trans;

    private int m, n, k, batch;
    private boolean ta, tb;
    private float[] a, b, c;

    @Setup public void setup() {
        int[] s = parse(shape);
        m = s[0];
        n = s[1];
        k = s[2];
        batch = s[3];
        ta = trans.charAt(0) == 'T';
        tb = trans.charAt(1) == 'T';
        Random r = new Random(1);
        a = new float[batch * m * k];
        b = new float[batch * k * n];
        c = new float[batch * m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
    }

    @Benchmark public float[] sgemm() {
        Sgemm.sgemm(ArrayMatrix.batched(c, 0, n, m * n), ArrayMatrix.batched(a, 0, ta ? m : k, m * k),
                ArrayMatrix.batched(b, 0, tb ? k : n, k * n),
                new GemmShape(ta, tb, m, n, k, batch), 1f, 0f);
        return c;
    }

    static int[] parse(String shape) {
        String[] p = shape.split("x");
        return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), p.length > 3 ? Integer.parseInt(p[3]) : 1};
    }

    static double flops(String shape) {
        int[] s = parse(shape);
        return 2.0 * s[0] * s[1] * s[2] * s[3];
    }
}
