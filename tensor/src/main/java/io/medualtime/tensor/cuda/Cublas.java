package io.medualtime.tensor.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * Lazily loaded cuBLAS (JCublas2, needs libcublas.so.12) sharing the runtime's primary context and the
 * legacy default stream. {@link #isAvailable()} is false, with {@link #unavailableReason()}, when CUDA is
 * unavailable or the cuBLAS natives cannot load (any Throwable from the native load is caught).
 *
 * <p>Row-major GEMM through column-major cuBLAS: a row-major matrix X[r, c] with row stride ld is the
 * column-major X^T (c x r, ld). For row-major C = op(A) op(B): C^T = op(B)^T op(A)^T, so cuBLAS is
 * called with the operands swapped: sgemm(opB, opA, n, m, k, alpha, B, ldb, A, lda, beta, C, ldc).
 * Math mode is the default (true FP32, no TF32).
 */
public final class Cublas {

    private static final Object LOCK = new Object();
    private static volatile cublasHandle handle;
    private static volatile String unavailable; // null until probed

    private Cublas() {}

    public static boolean isAvailable() {
        probe();
        return handle != null;
    }

    public static String unavailableReason() {
        probe();
        return unavailable;
    }

    private static void probe() {
        if (unavailable != null) return;
        synchronized (LOCK) {
            if (unavailable != null) return;
            if (!CudaRuntime.isAvailable()) {
                unavailable = "CUDA unavailable: " + CudaRuntime.unavailableReason();
                return;
            }
            try {
                CudaRuntime.get();
                JCublas2.setExceptionsEnabled(true);
                cublasHandle h = new cublasHandle();
                JCublas2.cublasCreate(h);
                handle = h;
                unavailable = "";
            } catch (Throwable t) { // UnsatisfiedLinkError (libcublas.so.12 missing), CudaException, ...
                unavailable = t.getClass().getSimpleName() + ": " + CudaRuntime.firstLine(t.getMessage());
            }
        }
    }

    private static cublasHandle handle() {
        probe();
        if (handle == null) throw new IllegalStateException("cuBLAS unavailable: " + unavailable);
        CudaRuntime.get(); // context current on this thread
        return handle;
    }

    /**
     * Row-major, strided-batched: for z in [0, batch):
     * C_z[M,N] = alpha * op(A_z) op(B_z) + beta * C_z with A_z = a + z*strideA (elements), etc.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             Pointer a, int lda, long strideA, Pointer b, int ldb, long strideB,
                             float beta, Pointer c, int ldc, long strideC, int batch) {
        cublasHandle h = handle();
        if (m == 0 || n == 0 || batch == 0) return;
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        Pointer pa = Pointer.to(new float[] {alpha});
        Pointer pb = Pointer.to(new float[] {beta});
        if (batch == 1) {
            JCublas2.cublasSgemm(h, opB, opA, n, m, k, pa, b, ldb, a, lda, pb, c, ldc);
        } else {
            JCublas2.cublasSgemmStridedBatched(h, opB, opA, n, m, k, pa, b, ldb, strideB, a, lda, strideA,
                pb, c, ldc, strideC, batch);
        }
    }
}
