package io.medualtime.tensor.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * Lazily loaded cuBLAS (JCublas2, needs libcublas.so.12) sharing the runtime's primary context and the
 * legacy default stream. {@link #isAvailable()} is false, with {@link #unavailableReason()}, when CUDA is
 * unavailable, the CUDA device is the PTX emulator (cuBLAS needs a real GPU), or the cuBLAS natives
 * cannot load (any Throwable from the native load is caught). Operands are device addresses, turned
 * into JCuda pointers by {@link JCudaDriverApi#pointer(long)}.
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
            if (CudaRuntime.get().isEmulated()) {
                unavailable = "cuBLAS needs a real GPU (the CUDA device is the PTX emulator)";
                return;
            }
            try {
                ((JCudaDriverApi) CudaRuntime.get().driver()).makeCurrent();   // the handle belongs to our context
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
        return handle;
    }

    /** The JCuda pointer of a device address (a real GPU: probe() refuses the emulator). */
    private static CUdeviceptr pointer(long address) {
        return ((JCudaDriverApi) CudaRuntime.get().driver()).pointer(address);
    }

    /** Row-major, strided-batched: each product of g (see {@link Gemm}) on device operands. */
    public static void sgemm(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b) {
        cublasHandle h = handle();
        if (g.m() == 0 || g.n() == 0 || g.batch() == 0) return;
        CUdeviceptr pa = pointer(a.address()), pb = pointer(b.address()), pc = pointer(c.address());
        int opA = g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        Pointer pAlpha = Pointer.to(new float[]{g.alpha()});
        Pointer pBeta = Pointer.to(new float[]{g.beta()});
        if (g.batch() == 1) {
            JCublas2.cublasSgemm(h, opB, opA, g.n(), g.m(), g.k(), pAlpha, pb, b.ld(), pa, a.ld(), pBeta, pc, c.ld());
        } else {
            JCublas2.cublasSgemmStridedBatched(h, opB, opA, g.n(), g.m(), g.k(), pAlpha, pb, b.ld(), b.stride(), pa, a.ld(), a.stride(),
                    pBeta, pc, c.ld(), c.stride(), g.batch());
        }
    }
}
