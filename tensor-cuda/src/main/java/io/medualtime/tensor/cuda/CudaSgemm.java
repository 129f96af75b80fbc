package io.medualtime.tensor.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The GEMM on a GPU: cuBLAS when it loads, else the handwritten tiled SGEMM of kernels/sgemm.ptx -
 * 128 x 128 tiles, split along K where the tiles do not fill the GPU ({@link #splitK}), a batch of
 * products summed into one result ({@link #sgemmBatchSum}). Row-major throughout: a product is a
 * {@link Gemm}, its operands {@link DeviceMatrix}es (device addresses, strides in elements).
 */
public final class CudaSgemm {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cuda");

    private CudaSgemm() {}

    private static final int MAX_GRID_Y = Launch.MAX_GRID_Y;

    private static CudaRuntime rt() { return CudaRuntime.get(); }

    private static final AtomicBoolean GEMM_REPORTED = new AtomicBoolean();

    /** True when sgemm goes to cuBLAS (available and not forced off by -Dmedualtime.cuda.gemm=ptx). */
    public static boolean usesCublas() {
        return !"ptx".equalsIgnoreCase(System.getProperty("medualtime.cuda.gemm", "")) && Cublas.isAvailable();
    }

    /** C = alpha op(A) op(B) + beta C for each product of g: cuBLAS when available (reported once), else the PTX kernel. */
    public static void sgemm(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b) {
        boolean cublas = usesCublas();
        if (GEMM_REPORTED.compareAndSet(false, true)) {
            if (cublas) LOG.log(System.Logger.Level.INFO, "CUDA: using cuBLAS SGEMM");
            else if (Cublas.isAvailable()) LOG.log(System.Logger.Level.INFO, "CUDA: PTX SGEMM forced by -Dmedualtime.cuda.gemm=ptx");
            else LOG.log(System.Logger.Level.INFO, "CUDA: cuBLAS unavailable (" + Cublas.unavailableReason() + "); using PTX SGEMM");
        }
        if (cublas) Cublas.sgemm(g, c, a, b);
        else sgemmPtx(g, c, a, b, 0L);
    }

    /**
     * The handwritten PTX SGEMM (sgemm.ptx), plus bias[j] (n floats at address {@code bias}; 0: none)
     * added to every row in the epilogue. Products with too few 128 x 128 tiles to fill the GPU are
     * split along K ({@link #splitK}).
     */
    public static void sgemmPtx(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, long bias) {
        if (g.m() <= 0 || g.n() <= 0 || g.batch() <= 0) return;
        int slices = splitK(g.m(), g.n(), g.k(), g.batch(), rt().multiprocessorCount());
        if (slices > 1) sgemmSplitK(g, c, a, b, bias, slices);
        else sgemmTiles(g, c, a, b, bias);
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
    static void sgemmSplitK(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, long bias, int slices) {
        sliced(g, c, a, b, bias, slices, false);
    }

    /**
     * C = alpha * sum_z op(A_z) op(B_z) + beta C for z &lt; batch, summed in batch order into one C
     * (conv1d's weight gradient over the samples; c's batch stride is not used): each product, split
     * along K where the tiles do not fill the GPU, writes its slices' partial products, and
     * sgemm_splitk_sum adds all batch x slices of them - two or three launches instead of one product
     * (and its split) per sample. PTX SGEMM only.
     */
    public static void sgemmBatchSum(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b) {
        sgemmBatchSum(g, c, a, b, Math.max(1, splitK(g.m(), g.n(), g.k(), g.batch(), rt().multiprocessorCount())));
    }

    /** As above with the slices per product given (tests: one slice, several, a shorter last one). */
    static void sgemmBatchSum(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, int slices) {
        if (g.m() <= 0 || g.n() <= 0) return;
        if (g.k() <= 0 || g.batch() <= 0) {                 // an empty sum: C = beta C
            sgemmTiles(g.withK(0).withBatch(1), c.withStride(0), a.withStride(0), b.withStride(0), 0L);
            return;
        }
        if ((long) g.m() * g.n() * g.batch() * slices > Integer.MAX_VALUE) {   // too large to stage: one product after the other
            for (int z = 0; z < g.batch(); z++)
                sgemmPtx(g.withBatch(1).withBeta(z == 0 ? g.beta() : 1f), c.withStride(0),
                        a.plus(z * a.stride()).withStride(0), b.plus(z * b.stride()).withStride(0), 0L);
            return;
        }
        sliced(g, c.withStride(0), a, b, 0L, slices, true);
    }

    /** The split-K launches; sumBatch: all products' slices summed into one C, else each product's into its own. */
    private static void sliced(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, long bias, int slices, boolean sumBatch) {
        int m = g.m(), n = g.n(), k = g.k(), batch = g.batch();
        int kc = ((k + slices - 1) / slices + 7) & ~7, full = k / kc, rest = k - full * kc, total = full + (rest > 0 ? 1 : 0);
        long stepA = g.transA() ? (long) kc * a.ld() : kc, stepB = g.transB() ? kc : (long) kc * b.ld(), mn = (long) m * n;
        DeviceBuffer partial = DeviceAllocator.get().allocate(mn * total * batch);
        try {
            Gemm slice = new Gemm(g.shape().with(kc, batch * full), g.alpha(), 0f);
            DeviceMatrix parts = new DeviceMatrix(partial.ptr(), n, total * mn);
            launchTiles(slice, parts, a, b, 0L, new Inner(full, stepA, stepB, mn));
            if (rest > 0)                  // the shorter last slice of every product
                launchTiles(slice.withK(rest).withBatch(batch), parts.plus(full * mn), a.plus(full * stepA), b.plus(full * stepB), 0L,
                        Inner.NONE);
            int sums = sumBatch ? 1 : batch;        // [batch, total, m, n] is [batch * total, m, n]: one sum of all
            Launch.gridStride("sgemm", "sgemm_splitk_sum", mn * sums, partial.ptr(), sumBatch ? batch * total : total, m, n, g.beta(),
                    c.address(), c.ld(), bias, sums, c.stride());
        } finally {
            partial.free();    // back to the allocator's cache; work on the one stream stays ordered
        }
    }

    /** The plain tile kernel (several launches for more than 65535 batches): 128 x 128 tiles, K walked whole. */
    static void sgemmTiles(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, long bias) {
        for (int z0 = 0; z0 < g.batch(); z0 += MAX_GRID_Y)
            launchTiles(g.withBatch(Math.min(MAX_GRID_Y, g.batch() - z0)), c.plus(z0 * c.stride()), a.plus(z0 * a.stride()),
                    b.plus(z0 * b.stride()), bias, Inner.NONE);
    }

    /** The inner level of a two-level batch (see sgemm.ptx): {@code count} products per outer one, and their strides. */
    private record Inner(int count, long strideA, long strideB, long strideC) {
        static final Inner NONE = new Inner(1, 0, 0, 0);
    }

    /** One sgemm launch of {@code g.batch()} (&lt;= 65535) products. */
    private static void launchTiles(Gemm g, DeviceMatrix c, DeviceMatrix a, DeviceMatrix b, long bias, Inner inner) {
        if (g.m() <= 0 || g.n() <= 0 || g.batch() <= 0) return;
        int gx = (g.n() + 127) / 128, gy = (g.m() + 127) / 128;
        if (gy > MAX_GRID_Y) throw new IllegalArgumentException("M too large for the PTX SGEMM: " + g.m());
        Launch.shaped("sgemm", "sgemm", LaunchShape.of(gx, gy, g.batch(), 256), g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(),
                a.address(), a.ld(), a.stride(), b.address(), b.ld(), b.stride(), g.beta(), c.address(), c.ld(), c.stride(), bias,
                inner.count(), inner.strideA(), inner.strideB(), inner.strideC());
    }
}
