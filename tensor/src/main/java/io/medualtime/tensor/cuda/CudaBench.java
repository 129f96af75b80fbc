package io.medualtime.tensor.cuda;

/**
 * SGEMM throughput at M = N = K = size (default 4096): the PTX kernel (all four transpose variants) and
 * cuBLAS when it loads; device timing ({@link CudaDriver#elapsedMillis}) after warm-up, results
 * spot-checked against a double-precision host dot product. Usage: {@code java ... io.medualtime.tensor.cuda.CudaBench [size] [iters]}.
 * Prints lines "SGEMM <engine> <variant> <size>^3: <ms> ms/iter, <GFLOPS> GFLOPS, max rel err <e>".
 */
public final class CudaBench {

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (!CudaRuntime.isAvailable()) {
            System.out.println("CUDA unavailable: " + CudaRuntime.unavailableReason());
            System.exit(2);
        }
        CudaRuntime rt = CudaRuntime.get();
        System.out.println("device: " + rt.describe());
        System.out.println("cuBLAS: " + (Cublas.isAvailable() ? "available" : "unavailable (" + Cublas.unavailableReason() + ")"));
        DeviceAllocator al = DeviceAllocator.get();
        long n2 = (long) size * size;
        DeviceBuffer a = al.allocate(n2), b = al.allocate(n2), c = al.allocate(n2);
        CudaKernels.rngUniform(a, (int) n2, 1, 0);
        CudaKernels.rngUniform(b, (int) n2, 2, 0);
        CudaKernels.addScalar(a, a, (int) n2, -0.5f);
        CudaKernels.addScalar(b, b, (int) n2, -0.5f);
        float[] ha = a.toFloatArray(), hb = b.toFloatArray();
        for (int v = 0; v < 4; v++) {
            boolean ta = (v & 1) != 0, tb = (v & 2) != 0;
            run("PTX", ta, tb, size, iters, a, b, c, ha, hb);
        }
        if (Cublas.isAvailable()) run("cuBLAS", false, false, size, iters, a, b, c, ha, hb);
        a.free(); b.free(); c.free();
        al.emptyCache();
    }

    static void run(String engine, boolean ta, boolean tb, int size, int iters, DeviceBuffer a, DeviceBuffer b,
                    DeviceBuffer c, float[] ha, float[] hb) {
        Runnable gemm = () -> {
            if (engine.equals("PTX"))
                CudaKernels.sgemmPtx(ta, tb, size, size, size, 1f, a.ptr(), size, 0, b.ptr(), size, 0, 0f, c.ptr(), size, 0, 1);
            else
                Cublas.sgemm(ta, tb, size, size, size, 1f, a.ptr(), size, 0, b.ptr(), size, 0, 0f, c.ptr(), size, 0, 1);
        };
        for (int i = 0; i < 2; i++) gemm.run();
        float ms = CudaRuntime.get().driver().elapsedMillis(() -> { // synchronizes first
            for (int i = 0; i < iters; i++) gemm.run();
        });
        double perIter = ms / iters;
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
        System.out.printf("SGEMM %s %s %d^3: %.3f ms/iter, %.0f GFLOPS, max err/sum|ab| %.2e%n", engine, variant, size, perIter, gflops, maxErr);
    }
}
