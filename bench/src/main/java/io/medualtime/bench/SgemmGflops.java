package io.medualtime.bench;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.cpu.ArrayMatrix;
import io.medualtime.tensor.cpu.Sgemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Plain timing loop for {@link Sgemm}: prints one {@code RESULT <shape> <GFLOPS>} line per shape
 * (the best of several timed repetitions, after a warm-up), for bench/compare-openblas.sh.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target-gemm/benchmarks.jar io.medualtime.bench.SgemmGflops \
 *      [--seconds 1.0] [--warmup 2.0] [--threads N] [--trans NN|NT|TN|TT] [--cputime] 1024x768x768 256x64x256x48 ...
 * </pre>
 * A shape is MxNxK, or MxNxKxB for a batch of B independent products (GemmShape.batch).
 * {@code --cputime} runs on one thread and divides by the thread's CPU time instead of wall time:
 * the per-core speed, much less disturbed by other processes on a shared machine.
 */
public final class SgemmGflops {
    private SgemmGflops() {}

    public static void main(String[] args) {
        double seconds = 1.0, warmup = 2.0;
        boolean ta = false, tb = false;
        cpuTime = false;
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            // @formatter:off
            switch (args[i]) {
                case "--seconds": seconds = Double.parseDouble(args[++i]); break;
                case "--warmup": warmup = Double.parseDouble(args[++i]); break;
                case "--threads": Parallel.setThreads(Integer.parseInt(args[++i])); break;
                case "--cputime": cpuTime = true; Parallel.setThreads(1); break;
                case "--trans": ta = args[i + 1].charAt(0) == 'T'; tb = args[++i].charAt(1) == 'T'; break;
                default:
                    String[] p = args[i].split("x");
                    shapes.add(new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                            p.length > 3 ? Integer.parseInt(p[3]) : 1});
            }
            // @formatter:on
        }
        if (shapes.isEmpty())
            for (String s : new String[]{"1024x768x768", "1024x3072x768", "1024x768x3072", "2048x2048x2048"}) {
                String[] p = s.split("x");
                shapes.add(new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), 1});
            }
        System.out.println("# blocking: " + Sgemm.blocking());
        System.out.println("# kernel=" + Sgemm.kernelName() + " threads=" + Parallel.threads()
                + " java=" + System.getProperty("java.version") + " trans=" + (ta ? "T" : "N") + (tb ? "T" : "N")
                + (cpuTime ? " clock=thread-cpu-time" : " clock=wall"));
        Random r = new Random(1);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2], batch = s[3];
            float[] a = new float[batch * m * k], b = new float[batch * k * n], c = new float[batch * m * n];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
            final boolean fta = ta, ftb = tb;
            GemmShape shape = new GemmShape(fta, ftb, m, n, k, batch);
            ArrayMatrix ma = ArrayMatrix.batched(a, 0, fta ? m : k, m * k), mb = ArrayMatrix.batched(b, 0, ftb ? k : n, k * n);
            ArrayMatrix mc = ArrayMatrix.batched(c, 0, n, m * n);
            Runnable call = () -> Sgemm.sgemm(mc, ma, mb, shape, 1f, 0f);
            double flops = 2.0 * m * n * k * batch;
            time(call, warmup);
            double best = 0;
            for (int rep = 0; rep < 5; rep++) best = Math.max(best, flops / time(call, seconds / 5));
            System.out.printf("RESULT %s %.1f%n", m + "x" + n + "x" + k + (batch > 1 ? "x" + batch : ""), best / 1e9);
        }
    }

    private static boolean cpuTime;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long now() { return cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime(); }

    /** Runs call repeatedly for at least the given seconds (and at least once); returns seconds per call. */
    private static double time(Runnable call, double seconds) {
        long t0 = now(), t;
        int it = 0;
        do { call.run(); it++; t = now() - t0; } while (t < seconds * 1e9);
        return t / 1e9 / it;
    }
}
