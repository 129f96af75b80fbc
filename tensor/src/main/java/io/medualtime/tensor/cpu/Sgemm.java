package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.GemmShape;
import java.nio.FloatBuffer;

/**
 * Single-precision general matrix multiply on the CPU:
 * {@code C = alpha * op(A) * op(B) + beta * C}, all matrices row-major in {@code float[]} arrays.
 *
 * <p>The work is done by a cache-blocked, packed, register-tiled kernel (see
 * {@link SgemmBlocked} for the blocking scheme): the Vector API kernel {@link SgemmVector} when
 * {@link VectorSupport#available()}, else the scalar {@link SgemmScalar}. Large products are
 * split over the {@link Parallel} threads by rows (or columns, when C is wide and short) of C;
 * each thread runs the whole blocked algorithm on its slice with its own packing buffers.
 * Products of at most {@link Gemv#MAX_ROWS} rows (decoding) skip packing and stream B once
 * ({@link Gemv}); products too narrow for the tile are dot products.
 * Results are bitwise deterministic and do not depend on the thread count.
 */
public final class Sgemm {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cpu");
    private Sgemm() {}

    /** Below this many flops per thread, running on more threads costs more than it gains. */
    static final long MIN_FLOPS_PER_THREAD = 4L << 20;

    private static final SgemmBlocked KERNEL = pickKernel();

    private static SgemmBlocked pickKernel() {
        if (VectorSupport.available()) {
            try {   // by name, so FloatVector is never loaded when the Vector API is absent
                return (SgemmBlocked) Class.forName("io.medualtime.tensor.cpu.SgemmVector")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "SgemmVector unavailable (" + e + "): using scalar SGEMM");
            }
        }
        return new SgemmScalar();
    }

    /** The name of the kernel in use ("SgemmVector" or "SgemmScalar"). */
    public static String kernelName() {
        return KERNEL.getClass().getSimpleName();
    }

    /**
     * The kernel's micro-tile and cache block sizes and why they were chosen, e.g. {@code "SgemmVector
     * tile 6x64 KC=384 MC=480 NC=1536 (L1d 32 KB, L2 1024 KB, L3 32768 KB: ...)"}; for benchmark reports.
     */
    public static String blocking() {
        return kernelName() + " tile " + KERNEL.mr + "x" + KERNEL.nr + " KC=" + KERNEL.kcMax + " MC=" + KERNEL.mcMax
                + " NC=" + KERNEL.ncMax + " (" + KERNEL.blockingReason() + ")";
    }

    /**
     * C = alpha * op(A) * op(B) + beta * C for each of {@code shape.batch()} products (matrix i of each
     * operand at its offset + i * stride), row-major; op(A) is [m,k], op(B) is [k,n] (see
     * {@link GemmShape}). A and B may come from a buffer (a memory-mapped weight): its blocks are
     * staged into a heap array before packing, so the result is bitwise that of an array. C must be
     * an array, not overlapping A or B (tiles of C may be written before all of A is read); beta == 0 means
     * C is not read (NaN in C is overwritten). Parallelised over the batch
     * when the matrices are small, inside a matrix when they are large. Arguments in
     * {@code Backend.gemm}'s order: the output C, the inputs A and B, then the shape and the scalars.
     */
    public static void sgemm(ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, float alpha, float beta) {
        run(KERNEL, c, a, b, shape, Parallel.threads(), alpha, beta);
    }

    /** One product (batch 1) of the same kind, m x n x k: a slice of {@code shape}. */
    static GemmShape part(GemmShape shape, int m, int n, int k) {
        return new GemmShape(shape.transA(), shape.transB(), m, n, k, 1);
    }

    /** The full path with an explicit kernel and thread budget (tests call it with SgemmScalar). */
    static void run(SgemmBlocked kernel, ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, int threads, float alpha,
            float beta) {
        boolean transA = shape.transA(), transB = shape.transB();
        int m = shape.m(), n = shape.n(), k = shape.k(), batch = shape.batch();
        check(m >= 0, "m", m, "must be >= 0");
        check(n >= 0, "n", n, "must be >= 0");
        check(k >= 0, "k", k, "must be >= 0");
        check(batch >= 0, "batch", batch, "must be >= 0");
        checkMatrix("A", a, transA ? k : m, transA ? m : k, transA ? "m" : "k", batch);
        checkMatrix("B", b, transB ? n : k, transB ? k : n, transB ? "k" : "n", batch);
        checkMatrix("C", c, m, n, "n", batch);
        if (c.array() == null) throw new IllegalArgumentException("c (matrix C) must be an array, not a buffer");
        if (m == 0 || n == 0 || batch == 0) return;

        if (k == 0 || alpha == 0f) {            // nothing to multiply: C = beta * C
            for (int i = 0; i < batch; i++) scale(c.item(i), m, n, beta);
            return;
        }
        if (batch == 1 && m <= Gemv.MAX_ROWS && !transA) {   // a few rows: stream B once, unpacked
            ArrayMatrix ha = a.array() != null ? a : ArrayMatrix.of(span(a, m, k, 1), 0, a.ld());    // (a mapped A is small here)
            Gemv.run(kernel, c, ha, b, shape, threads, alpha, beta);
            return;
        }
        long flops = 2L * m * n * k;
        boolean disjointC = batch == 1 || c.stride() >= (long) (m - 1) * c.ld() + n;
        if (!transA && transB && n * 4 <= kernel.nr) {   // too narrow for the tile: dot products
            if (a.buffer() != null || b.buffer() != null) {   // a mapped operand: read its span onto the heap
                ArrayMatrix ha = a.array() != null ? a : ArrayMatrix.batched(span(a, m, k, batch), 0, a.ld(), a.stride());
                ArrayMatrix hb = b.array() != null ? b : ArrayMatrix.batched(span(b, n, k, batch), 0, b.ld(), b.stride());
                run(kernel, c, ha, hb, shape, threads, alpha, beta);
                return;
            }
            if (batch == 1) {
                Parallel.range(m, (int) Math.max(1, MIN_FLOPS_PER_THREAD / (2L * n * k)),
                        (s, e) -> kernel.dotProducts(c.at(s * c.ld()), a.at(s * a.ld()), b, e - s, n, k, alpha, beta));
            } else {
                Parallel.range(batch, disjointC ? (int) Math.max(1, MIN_FLOPS_PER_THREAD / flops) : Integer.MAX_VALUE, (s, e) -> {
                    for (int i = s; i < e; i++) kernel.dotProducts(c.item(i), a.item(i), b.item(i), m, n, k, alpha, beta);
                });
            }
            return;
        }
        GemmShape one = part(shape, m, n, k);
        if (batch > 1 && disjointC && threads > 1 && flops < MIN_FLOPS_PER_THREAD * threads * 4) {
            // many small products: one thread per group of whole matrices
            int grain = (int) Math.max(1, MIN_FLOPS_PER_THREAD / flops);
            Parallel.range(batch, grain, (s, e) -> {
                for (int i = s; i < e; i++) kernel.run(c.item(i), a.item(i), b.item(i), one, alpha, beta);
            });
            return;
        }
        for (int i = 0; i < batch; i++) single(kernel, c.item(i), a.item(i), b.item(i), one, threads, alpha, beta);
    }

    /**
     * One product, split over threads by blocks of rows or of columns of C. A row split makes each
     * thread pack all of B, a column split all of A: the split follows the smaller operand.
     */
    private static void single(SgemmBlocked kernel, ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, int threads, float alpha,
            float beta) {
        int m = shape.m(), n = shape.n(), k = shape.k();
        long flops = 2L * m * n * k;
        int mBlocks = (m + kernel.mr - 1) / kernel.mr, nBlocks = (n + kernel.nr - 1) / kernel.nr;
        // every thread packs all of the operand it does not split: split the larger one's partner,
        // i.e. by columns when B (k x n) is larger than A (m x k), if there are columns enough to share
        boolean byRows = m >= n ? mBlocks >= threads : nBlocks < 2 * threads;
        int units = byRows ? mBlocks : nBlocks;
        int nt = (int) Math.min(Math.min(threads, units), Math.max(1, flops / MIN_FLOPS_PER_THREAD));
        if (nt <= 1) {
            kernel.run(c, a, b, shape, alpha, beta);
            return;
        }
        Parallel.range(nt, 1, (s, e) -> {
            for (int t = s; t < e; t++) {
                int u0 = (int) ((long) units * t / nt), u1 = (int) ((long) units * (t + 1) / nt);
                if (byRows) {
                    int r0 = u0 * kernel.mr, r1 = Math.min(m, u1 * kernel.mr);
                    kernel.run(c.at(r0 * c.ld()), a.at(shape.transA() ? r0 : r0 * a.ld()), b, part(shape, r1 - r0, n, k), alpha, beta);
                } else {
                    int c0 = u0 * kernel.nr, c1 = Math.min(n, u1 * kernel.nr);
                    kernel.run(c.at(c0), a, b.at(shape.transB() ? c0 * b.ld() : c0), part(shape, m, c1 - c0, k), alpha, beta);
                }
            }
        });
    }

    /** The floats of a buffer operand's matrices (batch of rows x cols), from its offset on. */
    private static float[] span(ArrayMatrix x, int rows, int cols, int batch) {
        float[] out = new float[(int) ((long) (batch - 1) * x.stride() + (long) (rows - 1) * x.ld() + cols)];
        x.buffer().get(x.offset(), out, 0, out.length);
        return out;
    }

    private static void scale(ArrayMatrix c, int m, int n, float beta) {
        float[] ca = c.array();
        for (int i = 0; i < m; i++) {
            int o = c.offset() + i * c.ld();
            if (beta == 0f) java.util.Arrays.fill(ca, o, o + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) ca[o + j] *= beta;
        }
    }

    private static void check(boolean ok, String name, long value, String rule) {
        if (!ok) throw new IllegalArgumentException(name + " " + rule + ", got " + value);
    }

    /** A matrix stored as rows x cols with leading dimension ld, batch copies stride apart. */
    private static void checkMatrix(String name, ArrayMatrix x, int rows, int cols, String colsName, int batch) {
        String lower = name.toLowerCase();
        if (x == null) throw new IllegalArgumentException(lower + " (matrix " + name + ") must not be null");
        float[] arr = x.array();
        FloatBuffer buf = x.buffer();
        int off = x.offset(), ld = x.ld(), stride = x.stride();
        if (arr == null && buf == null) throw new IllegalArgumentException(lower + " (matrix " + name + ") must not be null");
        if (arr != null && buf != null)
            throw new IllegalArgumentException(lower + " (matrix " + name + ") given as both an array and a buffer");
        int length = arr != null ? arr.length : buf.limit();
        check(off >= 0, lower + "Off", off, "must be >= 0");
        if (ld < Math.max(1, cols))
            throw new IllegalArgumentException("ld" + lower + " must be >= max(1, " + colsName + ") = "
                    + Math.max(1, cols) + " for the stored layout of " + name + ", got " + ld);
        check(stride >= 0, "stride" + name, stride, "must be >= 0");
        if (rows == 0 || cols == 0 || batch == 0) return;
        long end = off + (long) (batch - 1) * stride + (long) (rows - 1) * ld + cols;
        if (end > length)
            throw new IllegalArgumentException("array " + lower + " too short: matrix " + name + " (" + rows + "x"
                    + cols + ", ld" + lower + "=" + ld + ", " + lower + "Off=" + off
                    + (batch > 1 ? ", stride" + name + "=" + stride + ", batch=" + batch : "")
                    + ") needs " + end + " elements, length is " + length);
    }
}
