package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the CUDA kernel tests share: they skip (with the reason) without a usable device, free the
 * buffers a test uploaded, and compare against double-precision references with
 * |gpu - ref| &lt;= RTOL * |ref| + ATOL * max(1, scale) (scale: the sum of |terms| for reductions and GEMM).
 */
abstract class CudaKernelTestBase {

    static final float RTOL = 1e-5f, ATOL = 1e-5f;
    static final Random RND = new Random(1234);
    final List<DeviceBuffer> live = new ArrayList<>();

    static boolean printed;

    @BeforeEach void requireDevice() {
        assumeTrue(CudaRuntime.isAvailable(), "no CUDA device: " + CudaRuntime.unavailableReason());
        if (printed) return;
        printed = true;
        System.out.println("[CUDA kernel tests] " + CudaRuntime.get().describe() + "; cuBLAS: "
                + (Cublas.isAvailable() ? "available" : Cublas.unavailableReason()));
    }

    @AfterEach void freeAll() {
        for (DeviceBuffer b : live) b.free();
        live.clear();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * More rows than a GPU launch's 65535 row blocks, so the kernels' grid-stride loop runs; on the PTX
     * emulator, which interprets all 256 threads of every row's block, 700 (the loop is left to GPU runs).
     */
    static int manyRows() { return CudaRuntime.get().isEmulated() ? 700 : 70000; }

    DeviceBuffer dev(float[] a) { DeviceBuffer b = DeviceAllocator.get().upload(a); live.add(b); return b; }
    DeviceBuffer dev(int[] a) { DeviceBuffer b = DeviceAllocator.get().upload(a); live.add(b); return b; }
    DeviceBuffer dev(long n) { DeviceBuffer b = DeviceAllocator.get().allocate(Math.max(n, 1)); live.add(b); return b; }

    /** The address of element 0; 0 (a null pointer: an absent optional operand) for null. */
    static long p(DeviceBuffer b) {
        return b == null ? 0L : b.ptr();
    }

    static float[] rand(int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * RND.nextFloat();
        return a;
    }

    static void close(String what, double[] ref, float[] got, double[] scale) {
        assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            double tol = RTOL * Math.abs(ref[i]) + ATOL * (scale == null ? 1 : Math.max(1, scale[i]));
            if (Double.isNaN(ref[i]) && Float.isNaN(got[i])) continue;
            if (Double.isInfinite(ref[i]) && ref[i] == got[i]) continue;
            if (!(Math.abs(ref[i] - got[i]) <= tol))
                fail(what + ": index " + i + " expected " + ref[i] + " got " + got[i] + " (tol " + tol + ")");
        }
    }

    static void close(String what, double[] ref, float[] got) { close(what, ref, got, null); }

    static double[] map(float[] a, DoubleUnaryOperator f) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = f.applyAsDouble(a[i]);
        return r;
    }

}
