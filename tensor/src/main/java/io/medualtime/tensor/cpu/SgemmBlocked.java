package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.GemmShape;

/**
 * The cache-blocked GEMM driver shared by the Vector API kernel ({@link SgemmVector}) and the
 * scalar kernel ({@link SgemmScalar}); this class never touches {@code FloatVector}.
 *
 * <h2>Blocking scheme (GotoBLAS / BLIS)</h2>
 * <pre>
 *   for jc in 0..n step NC            // column block of B and C
 *     for pc in 0..k step KC          // slice of the k dimension
 *       pack B[pc:pc+KC, jc:jc+NC] -> pb   (KC x NC, NR-wide column panels; lives in L2/L3)
 *       for ic in 0..m step MC        // row block of A and C
 *         pack alpha*A[ic:ic+MC, pc:pc+KC] -> pa   (MC x KC, MR-tall row panels; lives in L2)
 *         macroKernel: for each MR x NR tile of C[ic.., jc..]:
 *             micro-kernel: acc(MR x NR, in registers) = sum over p of pa[:,p] (x) pb[p,:]
 *             C_tile = acc + (pc == 0 ? beta : 1) * C_tile
 * </pre>
 * Packing copies each panel into the exact order the micro-kernel reads it (unit stride, no
 * bounds surprises), which is where transposed operands and alpha are absorbed, and pads the
 * ragged edge panels with zeros so the micro-kernel always computes a full MR x NR tile.
 * A kernel may read full panels of A where A is stored instead ({@link #readsAInPlace}): then
 * packing would only copy the values, and the multiply-adds and their order are the same, so the
 * result is bitwise the same.
 *
 * <p>Every element of C is accumulated in the same order (k-slices in order, p in order inside
 * a slice) whatever the thread split, so results are bitwise reproducible.
 */
abstract class SgemmBlocked {
    /** Micro-tile height (rows of C per micro-kernel call) and width (columns). */
    final int mr, nr;
    /** Cache block sizes: depth of a k-slice, rows of a packed A block, columns of a packed B block. */
    final int kcMax, mcMax, ncMax;
    /** Products at most this wide read full panels of A in place, unpacked (see {@link #readsAInPlace}); 0: never. */
    final int inPlaceMaxN;

    /**
     * Per-thread packing buffers (packed A, packed B, tile, then staging for buffer operands of A
     * and B), grown on demand and then reused (no garbage per call).
     */
    private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[5][]);

    SgemmBlocked(int mr, int nr, int kc, int mc, int nc, int inPlaceMaxN) {
        this.inPlaceMaxN = inPlaceMaxN;
        this.mr = mr;
        this.nr = nr;
        this.kcMax = kc;
        this.mcMax = Math.max(mr, mc / mr * mr);
        this.ncMax = Math.max(nr, nc / nr * nr);
    }

    /** Why the block sizes are what they are (printed by the benchmarks). */
    String blockingReason() { return "fixed"; }

    /** A thread's packed panels of A and B and its micro-tile of C (see {@link #buffers}). */
    record Packed(float[] a, float[] b, float[] tile) {}

    /** Rows [row, row + rows) and columns [col, col + cols) of a logical (un-transposed) operand. */
    record Block(int row, int rows, int col, int cols) {}

    /**
     * Computes the tiles of one block: C[0:mc, 0:nc] = A * pb + beta * C (kc deep), where
     * {@code overwrite} means C is not read (beta == 0 on the first k-slice). A's panels are read
     * from the packed p.a(), except, when {@code a} is not null, the full MR-row panels: from A's
     * block itself (row i at a.offset() + i * a.ld(), kc values along k), as {@link #readsAInPlace} chose.
     */
    abstract void macroKernel(ArrayMatrix c, ArrayMatrix a, Packed p, int mc, int nc, int kc, float beta, boolean overwrite);

    /**
     * Single-threaded blocked GEMM on one (sub)problem; arguments already validated, k > 0. A and/or B
     * may be read from a FloatBuffer (a memory-mapped weight): each block is first staged into a heap
     * array in its stored layout, then packed by the array code, so the packed data (and the result)
     * are bitwise those of the array path.
     */
    final void run(ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, float alpha, float beta) {
        boolean transA = shape.transA(), transB = shape.transB();
        int m = shape.m(), n = shape.n(), k = shape.k();
        // Balanced block sizes: k = 400 becomes two slices of 200 rather than 384 + 16, so no
        // block is much thinner (less efficient) than the others.
        int kcB = ceilDiv(k, ceilDiv(k, kcMax));
        int mcB = roundUp(ceilDiv(m, ceilDiv(m, mcMax)), mr);
        int ncB = roundUp(ceilDiv(n, ceilDiv(n, ncMax)), nr);
        float[][] buf = buffers.get();
        float[] pa = buf[0], pb = buf[1], tile = buf[2];
        if (pa == null || pa.length < mcB * kcB) buf[0] = pa = new float[mcB * kcB];
        if (pb == null || pb.length < ncB * kcB) buf[1] = pb = new float[ncB * kcB];
        if (tile == null) buf[2] = tile = new float[mr * nr];
        Packed packed = new Packed(pa, pb, tile);
        boolean inPlace = readsAInPlace(a, shape, alpha);
        float[] sa = a.buffer() == null ? null : staging(buf, 3, mcB * kcB), sb = b.buffer() == null ? null : staging(buf, 4, ncB * kcB);

        for (int jc = 0; jc < n; jc += ncB) {
            int nc = Math.min(ncB, n - jc);
            for (int pc = 0; pc < k; pc += kcB) {
                int kc = Math.min(kcB, k - pc);
                Block bBlock = new Block(pc, kc, jc, nc);
                if (sb == null) packB(pb, b, bBlock, transB);
                else {      // stored block: kc rows of nc (or, transposed, nc rows of kc)
                    int cols = stage(sb, b, bBlock, transB);
                    packB(pb, ArrayMatrix.of(sb, 0, cols), new Block(0, kc, 0, nc), transB);
                }
                boolean first = pc == 0;
                for (int ic = 0; ic < m; ic += mcB) {
                    int mc = Math.min(mcB, m - ic);
                    Block aBlock = new Block(ic, mc, pc, kc);
                    ArrayMatrix aInPlace = null;
                    if (inPlace) {      // only a ragged last panel is packed (rows past m are not in A)
                        int full = mc / mr * mr;
                        if (full < mc) packA(pa, full * kc, a, new Block(ic + full, mc - full, pc, kc), false, alpha);
                        aInPlace = a.at(ic * a.ld() + pc);
                    } else if (sa == null) packA(pa, 0, a, aBlock, transA, alpha);
                    else {
                        int cols = stage(sa, a, aBlock, transA);
                        packA(pa, 0, ArrayMatrix.of(sa, 0, cols), new Block(0, mc, 0, kc), transA, alpha);
                    }
                    macroKernel(c.at(ic * c.ld() + jc), aInPlace, packed, mc, nc, kc, first ? beta : 1f, first && beta == 0f);
                }
            }
        }
    }

    /**
     * C = alpha * A * B^T + beta * C for products too narrow for the micro-tile (n at most a
     * quarter of NR), A stored [m, k] and B stored [n, k]: every element is the dot product of two
     * contiguous rows, with no packing (gated prefix attention to a handful of tokens has n = 5,
     * which the 64-wide tile would compute 13 times over).
     */
    final void dotProducts(ArrayMatrix cm, ArrayMatrix am, ArrayMatrix bm, int m, int n, int k, float alpha, float beta) {
        float[] a = am.array(), b = bm.array(), c = cm.array();
        int aOff = am.offset(), lda = am.ld(), bOff = bm.offset(), ldb = bm.ld(), cOff = cm.offset(), ldc = cm.ld();
        float[] lanes = new float[nr];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float s = alpha * dot(a, aOff + i * lda, b, bOff + j * ldb, k, lanes);
                int o = cOff + i * ldc + j;
                c[o] = beta == 0f ? s : s + beta * c[o];
            }
    }

    /**
     * acc[ao + j] += x * src[so + j] for j < len, each element exactly as the micro-kernel
     * accumulates it (so {@link Gemv} matches the blocked path bit for bit).
     */
    void axpy(float[] acc, int ao, float[] src, int so, int len, float x) {
        for (int j = 0; j < len; j++) acc[ao + j] += x * src[so + j];
    }

    /** The sum over p < k of x[xo + p] * y[yo + p], in a fixed order; {@code lanes} is scratch. */
    float dot(float[] x, int xo, float[] y, int yo, int k, float[] lanes) {
        float s = 0f;
        for (int p = 0; p < k; p++) s += x[xo + p] * y[yo + p];
        return s;
    }

    private static float[] staging(float[][] buf, int i, int size) {
        if (buf[i] == null || buf[i].length < size) buf[i] = new float[size];
        return buf[i];
    }

    /**
     * Copies the stored block of a buffer operand with logical rows [row, row + rows) and columns
     * [col, col + cols) (stored transposed when {@code colMajor}) into dst with no padding; returns
     * dst's leading dimension.
     */
    private static int stage(float[] dst, ArrayMatrix src, Block blk, boolean colMajor) {
        int ld = src.ld(), lines = colMajor ? blk.cols() : blk.rows(), width = colMajor ? blk.rows() : blk.cols();
        int start = colMajor ? src.offset() + blk.col() * ld + blk.row() : src.offset() + blk.row() * ld + blk.col();
        for (int l = 0; l < lines; l++) src.buffer().get(start + l * ld, dst, l * width, width);
        return width;
    }

    /**
     * Whether full panels of A are read where A is stored instead of packed: A is a row-major array,
     * alpha is 1 (packing would only copy the values) and C is at most {@link #inPlaceMaxN} wide
     * (packing is then amortised over few columns, while the in-place micro-kernel is slower per flop).
     */
    final boolean readsAInPlace(ArrayMatrix a, GemmShape shape, float alpha) {
        return !shape.transA() && alpha == 1f && a.array() != null && shape.n() <= inPlaceMaxN;
    }

    static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    static int roundUp(int x, int m) { return (x + m - 1) / m * m; }

    /**
     * Packs alpha * op(A)[block] (mc rows from i0, kc columns from p0) into MR-row panels from d on:
     * panel q holds rows q*MR..q*MR+MR-1 as dst[d + q*MR*kc + p*MR + r] (k-major, the MR values of one k contiguous).
     */
    final void packA(float[] dst, int d, ArrayMatrix a, Block blk, boolean transA, float alpha) {
        int i0 = blk.row(), mc = blk.rows(), p0 = blk.col(), kc = blk.cols(), lda = a.ld();
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            if (transA) packAlong(dst, d + ir * kc, mr, a.at(p0 * lda + i0 + ir), kc, rows, alpha);
            else packAcross(dst, d + ir * kc, mr, a.at((i0 + ir) * lda + p0), kc, rows, alpha);
        }
    }

    /**
     * Packs op(B)[block] (kc rows from p0, nc columns from j0) into NR-column panels: panel q holds
     * columns q*NR..q*NR+NR-1 as dst[q*NR*kc + p*NR + j] (the NR values of one k contiguous).
     */
    final void packB(float[] dst, ArrayMatrix b, Block blk, boolean transB) {
        int p0 = blk.row(), kc = blk.rows(), j0 = blk.col(), nc = blk.cols(), ldb = b.ld();
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            if (transB) packAcross(dst, jr * kc, nr, b.at((j0 + jr) * ldb + p0), kc, cols, 1f);
            else packAlong(dst, jr * kc, nr, b.at(p0 * ldb + j0 + jr), kc, cols, 1f);
        }
    }

    /**
     * One panel whose w values for each k are contiguous in the source (A transposed, B not):
     * dst[d + p*width + l] = alpha * src[s + p*ld + l] for l < w, zero for w <= l < width (s, ld: the
     * panel's start and leading dimension in {@code from}).
     */
    private static void packAlong(float[] dst, int d, int width, ArrayMatrix from, int kc, int w, float alpha) {
        float[] src = from.array();
        int s = from.offset(), ld = from.ld();
        if (alpha == 1f) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(src, s + p * ld, dst, d + p * width, w);
                for (int l = w; l < width; l++) dst[d + p * width + l] = 0f;
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int sp = s + p * ld, dp = d + p * width;
                for (int l = 0; l < w; l++) dst[dp + l] = alpha * src[sp + l];
                for (int l = w; l < width; l++) dst[dp + l] = 0f;
            }
        }
    }

    /**
     * One panel whose w lines run along k in the source (A not transposed, B transposed), i.e. a
     * transpose: dst[d + p*width + l] = alpha * src[s + l*ld + p]; 8 lines per pass (then 6, 4,
     * 1), so each pass reads 8 sequential streams and writes 8 adjacent floats (measured 13% faster
     * than 4 per pass on a weight streamed from memory: half as many passes over the panel).
     */
    private static void packAcross(float[] dst, int d, int width, ArrayMatrix from, int kc, int w, float alpha) {
        float[] src = from.array();
        int s = from.offset(), ld = from.ld();
        int l = 0;
        for (; l + 8 <= w; l += 8) {
            int s0 = s + l * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld, s6 = s5 + ld, s7 = s6 + ld;
            for (int p = 0; p < kc; p++) {
                int dp = d + p * width + l;
                dst[dp] = alpha * src[s0 + p];
                dst[dp + 1] = alpha * src[s1 + p];
                dst[dp + 2] = alpha * src[s2 + p];
                dst[dp + 3] = alpha * src[s3 + p];
                dst[dp + 4] = alpha * src[s4 + p];
                dst[dp + 5] = alpha * src[s5 + p];
                dst[dp + 6] = alpha * src[s6 + p];
                dst[dp + 7] = alpha * src[s7 + p];
            }
        }
        for (; l + 6 <= w; l += 6) {       // the vector kernel's A panels are 6 rows: one pass, not 4 + 1 + 1
            int s0 = s + l * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld, s4 = s3 + ld, s5 = s4 + ld;
            for (int p = 0; p < kc; p++) {
                int dp = d + p * width + l;
                dst[dp] = alpha * src[s0 + p];
                dst[dp + 1] = alpha * src[s1 + p];
                dst[dp + 2] = alpha * src[s2 + p];
                dst[dp + 3] = alpha * src[s3 + p];
                dst[dp + 4] = alpha * src[s4 + p];
                dst[dp + 5] = alpha * src[s5 + p];
            }
        }
        for (; l + 4 <= w; l += 4) {
            int s0 = s + l * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
            for (int p = 0; p < kc; p++) {
                int dp = d + p * width + l;
                dst[dp] = alpha * src[s0 + p];
                dst[dp + 1] = alpha * src[s1 + p];
                dst[dp + 2] = alpha * src[s2 + p];
                dst[dp + 3] = alpha * src[s3 + p];
            }
        }
        for (; l < w; l++)
            for (int p = 0, s0 = s + l * ld; p < kc; p++) dst[d + p * width + l] = alpha * src[s0 + p];
        for (l = w; l < width; l++)
            for (int p = 0; p < kc; p++) dst[d + p * width + l] = 0f;
    }

    /** Merges a computed tile (tile[r*NR + j], r < rows, j < cols) into C with beta semantics. */
    final void mergeTile(float[] c, int cOff, int ldc, float[] tile, int rows, int cols, float beta, boolean overwrite) {
        for (int r = 0; r < rows; r++) mergeRow(c, cOff + r * ldc, tile, r * nr, cols, beta, overwrite);
    }

    /** C[co .. co+cols) = acc[t ..] (+ beta * C; not read when overwrite): one row of {@link #mergeTile}, also {@link Gemv}'s merge. */
    static void mergeRow(float[] c, int co, float[] acc, int t, int cols, float beta, boolean overwrite) {
        if (overwrite) for (int j = 0; j < cols; j++) c[co + j] = acc[t + j];
        else if (beta == 1f) for (int j = 0; j < cols; j++) c[co + j] += acc[t + j];
        else for (int j = 0; j < cols; j++) c[co + j] = acc[t + j] + beta * c[co + j];
    }
}
