package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.GemmShape;
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

    /** C = alpha * A * op(B) + beta * C for shape.m() <= MAX_ROWS, A an array, not transposed. */
    static void run(SgemmBlocked kernel, ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, int threads, float alpha,
            float beta) {
        int m = shape.m(), n = shape.n(), k = shape.k();
        int nt = (int) Math.max(1, Math.min(threads, 4L * n * k / MIN_BYTES_PER_THREAD));
        if (shape.transB()) {                 // task t: rows [n*t/nt, n*(t+1)/nt) of B, in blocks
            Parallel.range(nt, 1, (s, e) -> {
                for (int t = s; t < e; t++)
                    for (int j0 = (int) ((long) n * t / nt), j1 = (int) ((long) n * (t + 1) / nt); j0 < j1; j0 += ROW_BLOCK)
                        dots(kernel, c.at(j0), a, b.at(j0 * b.ld()), Sgemm.part(shape, m, Math.min(ROW_BLOCK, j1 - j0), k), alpha, beta);
            });
            return;
        }
        int step = ((n + nt - 1) / nt + 15) / 16 * 16;    // task t: columns [t*step, (t+1)*step), whole vectors
        int tasks = (n + step - 1) / step;
        Parallel.range(tasks, 1, (s, e) -> {
            for (int t = s; t < e; t++)
                columns(kernel, c.at(t * step), a, b.at(t * step), Sgemm.part(shape, m, Math.min(step, n - t * step), k), alpha, beta);
        });
    }

    /** C[:, 0:n] = dot products with the n rows of B stored [n, k] (staged onto the heap from a buffer). */
    private static void dots(SgemmBlocked kernel, ArrayMatrix c, ArrayMatrix a, ArrayMatrix b, GemmShape shape, float alpha, float beta) {
        int rows = shape.n(), k = shape.k();
        if (b.array() == null) {
            int len = (rows - 1) * b.ld() + k;
            float[] heap = scratch(0, len);
            b.buffer().get(b.offset(), heap, 0, len);
            b = ArrayMatrix.of(heap, 0, b.ld());
        }
        kernel.dotProducts(c, a, b, shape.m(), rows, k, alpha, beta);
    }

    /** C[:, 0:n] for B's columns from its offset on, one k-slice at a time. */
    private static void columns(SgemmBlocked kernel, ArrayMatrix cm, ArrayMatrix am, ArrayMatrix bm, GemmShape shape, float alpha,
            float beta) {
        int m = shape.m(), w = shape.n(), k = shape.k();
        float[] a = am.array(), b = bm.array(), c = cm.array();
        FloatBuffer bBuf = bm.buffer();
        int aOff = am.offset(), lda = am.ld(), bOff = bm.offset(), ldb = bm.ld(), cOff = cm.offset(), ldc = cm.ld();
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
                for (int i = 0; i < m; i++) kernel.axpy(acc, i * w, src, so, w, alpha * a[aOff + i * lda + p]);
            }
            boolean first = pc == 0;
            for (int i = 0; i < m; i++)       // the blocked kernel's merge, a row at a time (acc's row stride is w)
                SgemmBlocked.mergeRow(c, cOff + i * ldc, acc, i * w, w, first ? beta : 1f, first && beta == 0f);
        }
    }

    private static float[] scratch(int i, int size) {
        float[][] s = SCRATCH.get();
        if (s[i] == null || s[i].length < size) s[i] = new float[size];
        return s[i];
    }
}
