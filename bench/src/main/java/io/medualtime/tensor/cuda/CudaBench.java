package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.UnaryOp;

// in the bench module, but in the CUDA backend's package: it times package-private launchers

/**
 * SGEMM throughput at M = N = K = size (default 4096): the PTX kernel (all four transpose variants) and
 * cuBLAS when it loads; device timing ({@link CudaDriver#elapsedMillis}) after warm-up, results
 * spot-checked against a double-precision host dot product. Usage: {@code java ... io.medualtime.tensor.cuda.CudaBench [size] [iters]}.
 * Prints lines {@code "SGEMM <engine> <variant> <size>^3: <ms> ms/iter, <GFLOPS> GFLOPS, max rel err <e>"}.
 *
 * <p>{@code CudaBench --shapes 20:NN:704x768x3072 9:NT:13x768x1536 ...} times products of a model's own
 * shapes instead (count:transposes:MxNxK, e.g. one training step's), each with the PTX kernel's 128 x 128
 * tiles alone, with the split along K the backend chooses, and with cuBLAS when it loads; then the
 * count-weighted totals. Lines "SHAPE ..." and "TOTAL ...". A spec ending in /B is a sum of B products
 * into one result (see {@link #batchSum}).
 *
 * <p>{@code CudaBench --launches [n]} measures what a launch costs the host (see {@link #launches}).
 */
public final class CudaBench {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--shapes")) {
            shapes(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("--launches")) {
            launches(args.length > 1 ? Integer.parseInt(args[1]) : 20000);
            return;
        }
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        requireCuda();
        CudaRuntime rt = CudaRuntime.get();
        System.out.println("device: " + rt.describe());
        System.out.println("cuBLAS: " + (Cublas.isAvailable() ? "available" : "unavailable (" + Cublas.unavailableReason() + ")"));
        DeviceAllocator al = DeviceAllocator.get();
        long n2 = (long) size * size;
        DeviceBuffer a = al.allocate(n2), b = al.allocate(n2), c = al.allocate(n2);
        DropoutKernels.rngUniform(a.ptr(), (int) n2, 1, 0);
        DropoutKernels.rngUniform(b.ptr(), (int) n2, 2, 0);
        ElementwiseKernels.unary(UnaryOp.ADD_SCALAR, a.ptr(), a.ptr(), (int) n2, -0.5f);
        ElementwiseKernels.unary(UnaryOp.ADD_SCALAR, b.ptr(), b.ptr(), (int) n2, -0.5f);
        float[] ha = a.toFloatArray(), hb = b.toFloatArray();
        for (int v = 0; v < 4; v++) {
            boolean ta = (v & 1) != 0, tb = (v & 2) != 0;
            run("PTX", Gemm.of(ta, tb, size, size, size, 1f, 0f), iters, a, b, c, ha, hb);
        }
        if (Cublas.isAvailable()) run("cuBLAS", Gemm.of(false, false, size, size, size, 1f, 0f), iters, a, b, c, ha, hb);
        a.free();
        b.free();
        c.free();
        al.emptyCache();
    }

    /** Times g, a square product of size g.m(), on a, b (host copies ha, hb) into c; spot-checks the result. */
    static void run(String engine, Gemm g, int iters, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, float[] ha, float[] hb) {
        int size = g.m();
        boolean ta = g.transA(), tb = g.transB();
        DeviceMatrix ma = new DeviceMatrix(a.ptr(), size, 0), mb = new DeviceMatrix(b.ptr(), size, 0),
                mc = new DeviceMatrix(c.ptr(), size, 0);
        Runnable gemm = () -> {
            if (engine.equals("PTX"))
                CudaSgemm.sgemmPtx(g, mc, ma, mb, 0L);
            else
                Cublas.sgemm(g, mc, ma, mb);
        };
        double perIter = timeMs(gemm, iters);
        double gflops = 2.0 * size * size * (double) size / (perIter * 1e-3) / 1e9;
        // spot check 64 entries
        float[] row = new float[size];
        double maxErr = 0;
        java.util.Random r = new java.util.Random(7);
        for (int s = 0; s < 64; s++) {
            int i = r.nextInt(size), j = r.nextInt(size);
            c.copyTo(row, 0, (long) i * size, size);
            double ref = 0, abs = 0;
            for (int k = 0; k < size; k++) {
                double av = ta ? ha[k * size + i] : ha[i * size + k];
                double bv = tb ? hb[j * size + k] : hb[k * size + j];
                ref += av * bv;
                abs += Math.abs(av * bv);
            }
            maxErr = Math.max(maxErr, Math.abs(row[j] - ref) / abs);
        }
        String variant = (ta ? "T" : "N") + (tb ? "T" : "N");
        System.out.printf("SGEMM %s %s %d^3: %.3f ms/iter, %.0f GFLOPS, max err/sum|ab| %.2e%n", engine, variant, size, perIter, gflops,
                maxErr);
    }

    /** Times each count:TT:MxNxK product (tiles only, split along K as chosen, cuBLAS) and prints count-weighted totals. */
    static void shapes(String[] specs) {
        requireCuda();
        CudaRuntime rt = CudaRuntime.get();
        System.out.println("device: " + rt.describe() + "; " + rt.multiprocessorCount() + " SMs");
        DeviceAllocator al = DeviceAllocator.get();
        warmUpLaunchPaths(rt.isEmulated() ? 3 : 20000);      // C2 compiles after ~10^4 calls
        double[] total = new double[3];
        for (String spec : specs) {
            String[] f = spec.split(":");
            int count = Integer.parseInt(f[0]);
            boolean ta = f[1].charAt(0) == 'T', tb = f[1].charAt(1) == 'T';
            String[] sum = f[2].split("/");
            String[] d = sum[0].split("x");
            int m = Integer.parseInt(d[0]), n = Integer.parseInt(d[1]), k = Integer.parseInt(d[2]);
            if (sum.length > 1) {
                batchSum(count, ta, tb, m, n, k, Integer.parseInt(sum[1]), total);
                continue;
            }
            DeviceBuffer a = al.allocate((long) m * k), b = al.allocate((long) k * n), c = al.allocate((long) m * n);
            DropoutKernels.rngUniform(a.ptr(), m * k, 1, 0);
            DropoutKernels.rngUniform(b.ptr(), k * n, 2, 0);
            int lda = ta ? m : k, ldb = tb ? k : n, slices = CudaSgemm.splitK(m, n, k, 1, rt.multiprocessorCount());
            Gemm g = Gemm.of(ta, tb, m, n, k, 1f, 0f);
            DeviceMatrix ma = new DeviceMatrix(a.ptr(), lda, 0), mb = new DeviceMatrix(b.ptr(), ldb, 0),
                    mc = new DeviceMatrix(c.ptr(), n, 0);
            double tiles = timeMs(() -> CudaSgemm.sgemmTiles(g, mc, ma, mb, 0L), 20);
            double tilesHost = lastHostMs;
            double chosen = timeMs(() -> CudaSgemm.sgemmPtx(g, mc, ma, mb, 0L), 20);
            double chosenHost = lastHostMs;
            double cublas = Cublas.isAvailable()
                    ? timeMs(() -> Cublas.sgemm(g, mc, ma, mb), 20)
                    : Double.NaN;
            total[0] += count * tiles;
            total[1] += count * chosen;
            total[2] += count * cublas;
            // host: the time to queue one call; near the GPU time, the host (not the kernel) set the pace
            System.out.printf("SHAPE %dx %s %dx%dx%d: tiles %.1f us (host %.1f), split-K/%d %.1f us (host %.1f), cuBLAS %s%n",
                    count, f[1], m, n, k, tiles * 1e3, tilesHost * 1e3, slices, chosen * 1e3, chosenHost * 1e3,
                    Double.isNaN(cublas) ? "n/a" : String.format("%.1f us", cublas * 1e3));
            a.free();
            b.free();
            c.free();
        }
        System.out.printf("TOTAL the shapes x counts: tiles %.2f ms, split-K as chosen %.2f ms, cuBLAS %s%n", total[0], total[1],
                Double.isNaN(total[2]) ? "n/a" : String.format("%.2f ms", total[2]));
    }

    /**
     * Runs the host's launch paths (tiles, split along K, batch sum, the dispatching entry) {@code n} times on a small product,
     * so that the JIT has compiled them before anything is timed: otherwise the first shapes of a list
     * time the interpreter, not the GPU (a small product's GPU time is then the host's).
     */
    private static void warmUpLaunchPaths(int n) {
        DeviceAllocator al = DeviceAllocator.get();
        DeviceBuffer a = al.allocate(2 * 64 * 256), b = al.allocate(2 * 256 * 64), c = al.allocate(64 * 64);
        a.fill(0.5f, 0, 2 * 64 * 256);
        b.fill(0.5f, 0, 2 * 256 * 64);
        for (int i = 0; i < n; i++) {
            CudaSgemm.sgemmTiles(Gemm.of(false, false, 64, 64, 256, 1f, 0f), new DeviceMatrix(c.ptr(), 64, 0),
                    new DeviceMatrix(a.ptr(), 256, 0),
                    new DeviceMatrix(b.ptr(), 64, 0), 0L);
            CudaSgemm.sgemmSplitK(Gemm.of(false, true, 64, 64, 256, 1f, 0f), new DeviceMatrix(c.ptr(), 64, 0),
                    new DeviceMatrix(a.ptr(), 256, 0),
                    new DeviceMatrix(b.ptr(), 256, 0), 0L, 2);
            CudaSgemm.sgemmBatchSum(new Gemm(new GemmShape(true, false, 64, 64, 256, 2), 1f, 0f), new DeviceMatrix(c.ptr(), 64, 0),
                    new DeviceMatrix(a.ptr(), 64, 64 * 256), new DeviceMatrix(b.ptr(), 64, 256 * 64), 2);
            CudaSgemm.sgemmPtx(Gemm.of(false, false, 64, 64, 256, 1f, 1f), new DeviceMatrix(c.ptr(), 64, 0),
                    new DeviceMatrix(a.ptr(), 256, 0),
                    new DeviceMatrix(b.ptr(), 64, 0), 0L);
        }
        CudaRuntime.get().driver().synchronize();
        a.free();
        b.free();
        c.free();
    }

    /**
     * A spec count:TT:MxNxK/B: a sum of B products into one C (conv1d's weight gradient over B samples),
     * one product per sample accumulated (as before GemmBatchSum; under "tiles" in the totals) against
     * {@link CudaSgemm#sgemmBatchSum} (under "as chosen"). Prints a line "SUM ...".
     */
    private static void batchSum(int count, boolean ta, boolean tb, int m, int n, int k, int batch, double[] total) {
        DeviceAllocator al = DeviceAllocator.get();
        DeviceBuffer a = al.allocate((long) batch * m * k), b = al.allocate((long) batch * k * n), c = al.allocate((long) m * n);
        DropoutKernels.rngUniform(a.ptr(), batch * m * k, 1, 0);
        DropoutKernels.rngUniform(b.ptr(), batch * k * n, 2, 0);
        int lda = ta ? m : k, ldb = tb ? k : n;
        long sa = (long) m * k, sb = (long) k * n;
        double perSample = timeMs(() -> {
            for (int z = 0; z < batch; z++)
                CudaSgemm.sgemmPtx(Gemm.of(ta, tb, m, n, k, 1f, z == 0 ? 0f : 1f), new DeviceMatrix(c.ptr(), n, 0),
                        new DeviceMatrix(a.ptr() + 4 * z * sa, lda, 0), new DeviceMatrix(b.ptr() + 4 * z * sb, ldb, 0), 0L);
        }, 20);
        double perSampleHost = lastHostMs;
        double summed = timeMs(() -> CudaSgemm.sgemmBatchSum(new Gemm(new GemmShape(ta, tb, m, n, k, batch), 1f, 0f),
                new DeviceMatrix(c.ptr(), n, 0), new DeviceMatrix(a.ptr(), lda, sa), new DeviceMatrix(b.ptr(), ldb, sb)), 20);
        total[0] += count * perSample;
        total[1] += count * summed;
        total[2] = Double.NaN;
        System.out.printf("SUM %dx %s%s %dx%dx%d over %d: one product per sample %.1f us (host %.1f), batch sum %.1f us (host %.1f)%n",
                count, ta ? "T" : "N", tb ? "T" : "N", m, n, k, batch, perSample * 1e3, perSampleHost * 1e3, summed * 1e3,
                lastHostMs * 1e3);
        a.free();
        b.free();
        c.free();
    }

    /**
     * What one launch costs the host: n launches of a 1-block kernel queued back to back (no wait),
     * host time per launch, then per launch until the GPU has run them all; for a 5-argument kernel
     * (add_scalar on one float) and the 21-argument sgemm (1 x 1 x 1), with each argument path of
     * {@link LaunchArgs} (arrays, direct, packed), two rounds. Lines "LAUNCH ...".
     */
    static void launches(int n) {
        requireCuda();
        CudaRuntime rt = CudaRuntime.get();
        System.out.println("device: " + rt.describe());
        DeviceBuffer x = DeviceAllocator.get().allocate(64);
        x.fill(1f, 0, 64);
        Runnable scalar = () -> ElementwiseKernels.unary(UnaryOp.ADD_SCALAR, x.ptr(), x.ptr(), 1, 0f);
        Gemm one = Gemm.of(false, false, 1, 1, 1, 1f, 0f);
        Runnable gemm = () -> CudaSgemm.sgemmTiles(one, new DeviceMatrix(x.ptr() + 8, 1, 0), new DeviceMatrix(x.ptr(), 1, 0),
                new DeviceMatrix(x.ptr() + 4, 1, 0), 0L);
        boolean jcuda = rt.driver() instanceof JCudaDriverApi;
        LaunchArgs.Mode initial = jcuda ? ((JCudaDriverApi) rt.driver()).argMode() : null;
        LaunchArgs.Mode[] modes = LaunchArgs.Mode.values();
        for (int round = 0; round < (jcuda ? 2 : 1); round++) for (LaunchArgs.Mode mode : jcuda ? modes : new LaunchArgs.Mode[]{null}) {
            if (jcuda) ((JCudaDriverApi) rt.driver()).argMode(mode);
            String path = mode == null ? "(not JCuda)" : mode.name().toLowerCase(java.util.Locale.ROOT);
            for (String kind : new String[]{"add_scalar, 5 args", "sgemm 1x1x1, 21 args"}) {
                Runnable launch = kind.startsWith("add") ? scalar : gemm;
                for (int i = 0; i < 1000; i++) launch.run();        // warm-up: JIT and the driver's queue
                rt.driver().synchronize();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) launch.run();
                long t1 = System.nanoTime();
                rt.driver().synchronize();
                long t2 = System.nanoTime();
                System.out.printf("LAUNCH %-22s %-14s host %.2f us/launch, until done %.2f us/launch%n",
                        kind, path, (t1 - t0) / 1e3 / n, (t2 - t0) / 1e3 / n);
            }
        }
        if (jcuda) ((JCudaDriverApi) rt.driver()).argMode(initial);
        x.free();
    }

    /** Exits with status 2, saying why, when no CUDA device (or emulator) opens. */
    private static void requireCuda() {
        if (CudaRuntime.isAvailable()) return;
        System.out.println("CUDA unavailable: " + CudaRuntime.unavailableReason());
        System.exit(2);
    }

    private static double lastHostMs;

    /**
     * Device milliseconds per call of {@code work}: two warm-up calls, then {@code iters} between events;
     * {@link #lastHostMs} is the host's time per call to queue them.
     */
    private static double timeMs(Runnable work, int iters) {
        for (int i = 0; i < 2; i++) work.run();
        long[] host = new long[1];
        double ms = CudaRuntime.get().driver().elapsedMillis(() -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) work.run();
            host[0] = System.nanoTime() - t0;
        }) / iters;
        lastHostMs = host[0] / 1e6 / iters;
        return ms;
    }
}
