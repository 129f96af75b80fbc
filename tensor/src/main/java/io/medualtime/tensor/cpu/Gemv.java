package io.medualtime.tensor.cpu;

import java.nio.FloatBuffer;

/**
 * The few-rows path of {@link Sgemm}: C = alpha * A * op(B) + beta * C for m <= {@link #MAX_ROWS}
 * (decoding one token, tiny batches). Packing B for the blocked kernel would read and write every
 * weight twice to use it for one row; here each thread streams its share of B once, straight from
 * the array or the mapped buffer.
 *
 * <ul>
 * <li>B [k, n] (not transposed): threads split the columns; for each row p of B, every row of C
 *     takes {@code acc += alpha*a[i,p] * B[p, cols]} ({@link SgemmBlocked#axpy}). The k dimension is
 *     cut into the kernel's k-slices and merged into C slice by slice, exactly as the blocked kernel
 *     does, so results are bitwise those of the blocked path.</li>
 * <li>B stored [n, k] (transposed; the tied LM head): threads split the rows of B and each element
 *     is one dot product ({@link SgemmBlocked#dotProducts}), as the narrow-product path computes.</li>
 * </ul>
 */
final class Gemv {
    private Gemv() {}

    /** Up to this many rows of C take this path (the vector kernel's micro-tile is 6 rows tall). */
    static final int MAX_ROWS = 4;
    /** Bytes of B one thread should stream at least: below that, a second thread costs more than it saves. */
    private static final long MIN_BYTES_PER_THREAD = 256 << 10;
    /** Rows of a transposed B per dot-product call (staged from a mapped buffer: 64 x 768 floats = 192 KiB). */
    private static final int ROW_BLOCK = 64;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);

    static void run(SgemmBlocked kernel, int threads, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, FloatBuffer bBuf, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        int nt = (int) Math.max(1, Math.min(threads, 4L * n * k / MIN_BYTES_PER_THREAD));
        if (transB) {                         // task t: rows [n*t/nt, n*(t+1)/nt) of B, in blocks
            Parallel.range(nt, 1, (s, e) -> {
                for (int t = s; t < e; t++)
                    for (int j0 = (int) ((long) n * t / nt), j1 = (int) ((long) n * (t + 1) / nt); j0 < j1; j0 += ROW_BLOCK)
                        dots(kernel, m, Math.min(ROW_BLOCK, j1 - j0), k, alpha, a, aOff, lda, b, bBuf, bOff + j0 * ldb, ldb,
                                beta, c, cOff + j0, ldc);
            });
            return;
        }
        int step = ((n + nt - 1) / nt + 15) / 16 * 16;    // task t: columns [t*step, (t+1)*step), whole vectors
        int tasks = (n + step - 1) / step;
        Parallel.range(tasks, 1, (s, e) -> {
            for (int t = s; t < e; t++)
                columns(kernel, m, Math.min(step, n - t * step), k, alpha, a, aOff, lda, b, bBuf, bOff + t * step, ldb,
                        beta, c, cOff + t * step, ldc);
        });
    }

    /** C[:, 0:rows] = dot products with `rows` rows of B stored [n, k] (staged onto the heap from a buffer). */
    private static void dots(SgemmBlocked kernel, int m, int rows, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, FloatBuffer bBuf, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (b == null) {
            int len = (rows - 1) * ldb + k;
            b = scratch(0, len);
            bBuf.get(bOff, b, 0, len);
            bOff = 0;
        }
        kernel.dotProducts(m, rows, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C[:, 0:w] for B's columns starting at bOff, one k-slice at a time. */
    private static void columns(SgemmBlocked kernel, int m, int w, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, FloatBuffer bBuf, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] acc = scratch(0, m * w);
        float[] row = bBuf != null ? scratch(1, w) : null;
        int slices = (k + kernel.kcMax - 1) / kernel.kcMax, kcB = (k + slices - 1) / slices;   // balanced, as SgemmBlocked.run
        for (int pc = 0; pc < k; pc += kcB) {
            int kc = Math.min(kcB, k - pc);
            java.util.Arrays.fill(acc, 0, m * w, 0f);
            for (int p = pc; p < pc + kc; p++) {
                float[] src = b;
                int so = bOff + p * ldb;
                if (row != null) { bBuf.get(so, row, 0, w); src = row; so = 0; }
                for (int i = 0; i < m; i++) kernel.axpy(alpha * a[aOff + i * lda + p], src, so, acc, i * w, w);
            }
            boolean first = pc == 0;
            for (int i = 0; i < m; i++)       // the blocked kernel's merge, a row at a time (acc's row stride is w)
                SgemmBlocked.mergeRow(acc, i * w, w, first ? beta : 1f, first && beta == 0f, c, cOff + i * ldc);
        }
    }

    private static float[] scratch(int i, int size) {
        float[][] s = SCRATCH.get();
        if (s[i] == null || s[i].length < size) s[i] = new float[size];
        return s[i];
    }
}
