package io.medualtime.tensor.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The GEMM on a GPU: cuBLAS when it loads, else the handwritten tiled SGEMM of kernels/sgemm.ptx -
 * 128 x 128 tiles, split along K where the tiles do not fill the GPU ({@link #splitK}), a batch of
 * products summed into one result ({@link #sgemmBatchSum}). Row-major throughout; operands are device
 * addresses (or DeviceBuffers with element offsets), strides in elements.
 */
public final class CudaSgemm {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cuda");

    private CudaSgemm() {}

    private static final int BLOCK = 256;
    private static final int MAX_GRID_Y = 65535;

    private static CudaRuntime rt() { return CudaRuntime.get(); }

    private static final AtomicBoolean GEMM_REPORTED = new AtomicBoolean();

    /** True when sgemm goes to cuBLAS (available and not forced off by -Dmedualtime.cuda.gemm=ptx). */
    public static boolean usesCublas() {
        return !"ptx".equalsIgnoreCase(System.getProperty("medualtime.cuda.gemm", "")) && Cublas.isAvailable();
    }

    /**
     * Row-major batched GEMM: for z &lt; batch,
     * C_z[M,N] = alpha * op(A_z) op(B_z) + beta * C_z, A_z = a + aOff + z*strideA (elements), etc.
     * op(A) = A [M,K] (row stride lda) or, if transA, A^T with A stored [K,M]; likewise B.
     * cuBLAS when available (reported once), else the PTX kernel.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             DeviceBuffer a, long aOff, int lda, long strideA,
                             DeviceBuffer b, long bOff, int ldb, long strideB,
                             float beta, DeviceBuffer c, long cOff, int ldc, long strideC, int batch) {
        boolean cublas = usesCublas();
        if (GEMM_REPORTED.compareAndSet(false, true)) {
            if (cublas) LOG.log(System.Logger.Level.INFO, "CUDA: using cuBLAS SGEMM");
            else if (Cublas.isAvailable()) LOG.log(System.Logger.Level.INFO, "CUDA: PTX SGEMM forced by -Dmedualtime.cuda.gemm=ptx");
            else LOG.log(System.Logger.Level.INFO, "CUDA: cuBLAS unavailable (" + Cublas.unavailableReason() + "); using PTX SGEMM");
        }
        if (cublas) {
            Cublas.sgemm(transA, transB, m, n, k, alpha, a.at(aOff), lda, strideA, b.at(bOff), ldb, strideB,
                beta, c.at(cOff), ldc, strideC, batch);
        } else {
            sgemmPtx(transA, transB, m, n, k, alpha, a.at(aOff), lda, strideA, b.at(bOff), ldb, strideB,
                beta, c.at(cOff), ldc, strideC, batch);
        }
    }

    /** Unbatched convenience: C = alpha op(A) op(B) + beta C with tight leading dimensions. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) {
        sgemm(transA, transB, m, n, k, alpha, a, 0, transA ? m : k, 0, b, 0, transB ? k : n, 0, beta, c, 0, n, 0, 1);
    }

    /** The handwritten PTX SGEMM (sgemm.ptx) on raw device addresses; same contract as {@link #sgemm}. */
    public static void sgemmPtx(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                long a, int lda, long strideA, long b, int ldb, long strideB,
                                float beta, long c, int ldc, long strideC, int batch) {
        sgemmPtx(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch, 0L);
    }

    /**
     * As above, plus bias[j] (n floats at address {@code bias}; 0: none) added to every row in the
     * epilogue. Products with too few 128 x 128 tiles to fill the GPU are split along K ({@link #splitK}).
     */
    public static void sgemmPtx(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                long a, int lda, long strideA, long b, int ldb, long strideB,
                                float beta, long c, int ldc, long strideC, int batch, long bias) {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        int slices = splitK(m, n, k, batch, rt().multiprocessorCount());
        if (slices > 1) sgemmSplitK(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch, bias, slices);
        else sgemmTiles(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch, bias);
    }

    private static final boolean SPLIT_K_OFF = "off".equals(System.getProperty("medualtime.cuda.splitk"));

    /**
     * How many slices of K each of {@code batch} m x n x k products is split into on a GPU with
     * {@code sms} multiprocessors: 1 when the 128 x 128 tiles already fill the GPU (two resident blocks
     * per SM), else as many slices as fit in one wave of blocks, each at least 128 long (summing the
     * slices costs a pass over S partial products); a slice count that divides K into multiples of 8
     * is preferred (one launch instead of two). {@code -Dmedualtime.cuda.splitk=off} never splits.
     */
    static int splitK(int m, int n, int k, int batch, int sms) {
        if (SPLIT_K_OFF) return 1;
        long tiles = (long) ((m + 127) / 128) * ((n + 127) / 128) * batch;
        if (tiles >= sms) return 1;
        long want = 2L * sms / tiles;          // one wave: more would leave a tail of blocks running alone
        int slices = (int) Math.min(Math.min(want, k / 128), 32);
        if (slices < 2 || (long) m * n * batch * slices > Integer.MAX_VALUE || (long) batch * slices > MAX_GRID_Y) return 1;
        for (int s = slices; s >= Math.max(2, (slices + 1) / 2); s--)
            if (k % (8 * s) == 0) return s;
        return slices;
    }

    /**
     * C_z = alpha op(A_z) op(B_z) + bias + beta C_z for z &lt; batch, each as {@code slices} products over
     * consecutive slices of K (lengths rounded up to multiples of 8; the last one may be shorter) into a
     * partial buffer [batch, slices, m, n] - the slices are the inner level of the tile kernel's batch -
     * then sgemm_splitk_sum adds each product's slices in order, with the bias and beta C.
     */
    static void sgemmSplitK(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long a, int lda, long strideA, long b, int ldb, long strideB,
                            float beta, long c, int ldc, long strideC, int batch, long bias, int slices) {
        sliced(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch, bias, slices, false);
    }

    /**
     * C = alpha * sum_z op(A_z) op(B_z) + beta C for z &lt; batch, summed in batch order into one C
     * (conv1d's weight gradient over the samples): each product, split along K where the tiles do not
     * fill the GPU, writes its slices' partial products, and sgemm_splitk_sum adds all batch x slices of
     * them - two or three launches instead of one product (and its split) per sample. PTX SGEMM only.
     */
    public static void sgemmBatchSum(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     long a, int lda, long strideA, long b, int ldb, long strideB,
                                     float beta, long c, int ldc, int batch) {
        sgemmBatchSum(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, batch,
            Math.max(1, splitK(m, n, k, batch, rt().multiprocessorCount())));
    }

    /** As above with the slices per product given (tests: one slice, several, a shorter last one). */
    static void sgemmBatchSum(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              long a, int lda, long strideA, long b, int ldb, long strideB,
                              float beta, long c, int ldc, int batch, int slices) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || batch <= 0) {                 // an empty sum: C = beta C
            sgemmTiles(transA, transB, m, n, 0, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1, 0L);
            return;
        }
        if ((long) m * n * batch * slices > Integer.MAX_VALUE) {   // too large to stage: one product after the other
            for (int z = 0; z < batch; z++)
                sgemmPtx(transA, transB, m, n, k, alpha, a + 4L * z * strideA, lda, 0, b + 4L * z * strideB, ldb, 0,
                    z == 0 ? beta : 1f, c, ldc, 0, 1);
            return;
        }
        sliced(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, 0, batch, 0L, slices, true);
    }

    /** The split-K launches; sumBatch: all products' slices summed into one C, else each product's into its own. */
    private static void sliced(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               long a, int lda, long strideA, long b, int ldb, long strideB,
                               float beta, long c, int ldc, long strideC, int batch, long bias, int slices, boolean sumBatch) {
        int kc = ((k + slices - 1) / slices + 7) & ~7, full = k / kc, rest = k - full * kc, total = full + (rest > 0 ? 1 : 0);
        long stepA = transA ? (long) kc * lda : kc, stepB = transB ? kc : (long) kc * ldb, mn = (long) m * n;
        DeviceBuffer partial = DeviceAllocator.get().allocate(mn * total * batch);
        try {
            launchTiles(transA, transB, m, n, kc, alpha, a, lda, strideA, b, ldb, strideB, 0f, partial.ptr(), n, total * mn,
                batch * full, 0L, full, stepA, stepB, mn);
            if (rest > 0)                  // the shorter last slice of every product
                launchTiles(transA, transB, m, n, rest, alpha, a + 4L * full * stepA, lda, strideA, b + 4L * full * stepB, ldb, strideB,
                    0f, partial.at(full * mn), n, total * mn, batch, 0L, 1, 0, 0, 0);
            CudaRuntime r = rt();
            int sums = sumBatch ? 1 : batch;        // [batch, total, m, n] is [batch * total, m, n]: one sum of all
            r.launch("sgemm", "sgemm_splitk_sum", r.gridFor(mn * sums), 1, 1, BLOCK, 1, 1, 0,
                partial.ptr(), sumBatch ? batch * total : total, m, n, beta, c, ldc, bias, sums, strideC);
        } finally {
            partial.free();    // back to the allocator's cache; work on the one stream stays ordered
        }
    }

    /** The plain tile kernel (several launches for more than 65535 batches): 128 x 128 tiles, K walked whole. */
    static void sgemmTiles(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           long a, int lda, long strideA, long b, int ldb, long strideB,
                           float beta, long c, int ldc, long strideC, int batch, long bias) {
        for (int z0 = 0; z0 < batch; z0 += MAX_GRID_Y)
            launchTiles(transA, transB, m, n, k, alpha, a + 4L * z0 * strideA, lda, strideA, b + 4L * z0 * strideB, ldb, strideB,
                beta, c + 4L * z0 * strideC, ldc, strideC, Math.min(MAX_GRID_Y, batch - z0), bias, 1, 0, 0, 0);
    }

    /** One sgemm launch of {@code batch} (&lt;= 65535) products; inner &gt; 1: a two-level batch (see sgemm.ptx). */
    private static void launchTiles(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    long a, int lda, long strideA, long b, int ldb, long strideB,
                                    float beta, long c, int ldc, long strideC, int batch, long bias,
                                    int inner, long strideA2, long strideB2, long strideC2) {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        int gx = (n + 127) / 128, gy = (m + 127) / 128;
        if (gy > MAX_GRID_Y) throw new IllegalArgumentException("M too large for the PTX SGEMM: " + m);
        rt().launch("sgemm", "sgemm", gx, gy, batch, 256, 1, 1, 0, transA, transB, m, n, k, alpha,
            a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, bias, inner, strideA2, strideB2, strideC2);
    }
}
