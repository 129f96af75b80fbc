package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;

import io.medualtime.tensor.CounterRng;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.UnaryOp;

/**
 * Every PTX kernel against a plain Java (double precision) reference on small random inputs, edge sizes
 * included. Skips (with the reason) when there is no usable CUDA device.
 *
 * <p>Tolerance: |gpu - ref| &lt;= RTOL * |ref| + ATOL with RTOL = ATOL = 1e-5 (float32 with approximate
 * ex2/lg2 and different summation orders); reductions/GEMM scale ATOL by the sum of |terms|.
 * Exact (bitwise) comparisons for copies, RNG/dropout, embedding gather, and comparisons ops.
 */
class CudaRuntimeTest extends CudaKernelTestBase {

    static final int IGNORE_INDEX = -100;

    static final int[] SIZES = {1, 31, 256, 1000, 4099};

    // ------------------------------------------------------------------ runtime / allocator

    @Test void deviceInfoAndAllocatorCache() {
        CudaRuntime rt = CudaRuntime.get();
        assertTrue(rt.computeCapabilityMajor() >= 7, rt.describe());
        DeviceAllocator al = DeviceAllocator.get();
        DeviceBuffer a = al.allocate(1000);
        long ptr = a.byteSize();
        assertEquals(4096, ptr); // 4000 bytes -> 512-byte multiple
        long hits = al.cacheHits();
        a.free();
        assertTrue(al.cachedBytes() >= 4096);
        DeviceBuffer b = al.allocate(1010); // same bucket -> reused
        assertEquals(hits + 1, al.cacheHits());
        b.copyFrom(new float[]{1, 2, 3}, 0, 5, 3);
        float[] back = new float[3];
        b.copyTo(back, 0, 5, 3);
        assertArrayEquals(new float[]{1, 2, 3}, back);
        b.fill(2.5f, 0, 1010);
        assertEquals(2.5f, b.toFloatArray()[1009]);
        DeviceBuffer c = al.allocate(1010);
        c.copyFrom(b, 0, 0, 1010);
        c.zero();
        assertEquals(0f, c.toFloatArray()[7]);
        b.free();
        c.free();
        b.free(); // idempotent
        al.emptyCache();
        assertEquals(0, al.cachedBytes());
        assertEquals(DeviceAllocator.roundSize(3 << 20), 3 << 20);
        assertEquals(DeviceAllocator.roundSize((1 << 22) + 1), (1 << 22) + (1 << 20));
        // allocation on another thread (context made current lazily)
        Thread t = new Thread(() -> DeviceAllocator.get().allocate(10).free());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    // ------------------------------------------------------------------ elementwise

    @Test void unaryOps() {
        float s = 1.7f;
        for (int n : SIZES) {
            float[] x = rand(n, -4f, 4f);
            float[] pos = rand(n, 0.01f, 10f);
            DeviceBuffer dx = dev(x), dp = dev(pos), out = dev(n);
            Object[][] cases = {
                    {UnaryOp.NEG, x, (DoubleUnaryOperator) v -> -v}, {UnaryOp.EXP, x, (DoubleUnaryOperator) Math::exp},
                    {UnaryOp.LOG, pos, (DoubleUnaryOperator) Math::log}, {UnaryOp.SQRT, pos, (DoubleUnaryOperator) Math::sqrt},
                    {UnaryOp.TANH, x, (DoubleUnaryOperator) Math::tanh},
                    {UnaryOp.SIGMOID, x, (DoubleUnaryOperator) v -> 1 / (1 + Math.exp(-v))},
                    {UnaryOp.RELU, x, (DoubleUnaryOperator) v -> Math.max(v, 0)}, {UnaryOp.ADD_SCALAR, x, (DoubleUnaryOperator) v -> v + s},
                    {UnaryOp.MUL_SCALAR, x, (DoubleUnaryOperator) v -> v * s},
                    {UnaryOp.POW_SCALAR, pos, (DoubleUnaryOperator) v -> Math.pow(v, s)},
                    {UnaryOp.CLAMP_MIN, x, (DoubleUnaryOperator) v -> v < s ? s : v}, {UnaryOp.ABS, x, (DoubleUnaryOperator) Math::abs},
                    {UnaryOp.RSUB_SCALAR, x, (DoubleUnaryOperator) v -> s - v},
            };
            for (Object[] c : cases) {
                UnaryOp op = (UnaryOp) c[0];
                float[] in = (float[]) c[1];
                ElementwiseKernels.unary(op, out.ptr(), (in == x ? dx : dp).ptr(), n, s);
                close("unary op " + op + " n=" + n, map(in, (DoubleUnaryOperator) c[2]), out.toFloatArray());
            }
            // in place
            ElementwiseKernels.unary(UnaryOp.NEG, dx.ptr(), dx.ptr(), n, 0);
            close("in-place neg", map(x, v -> -v), dx.toFloatArray());
        }
        // special values
        float[] sp = {0f, -0f, 1e-6f, -1e-6f, 0.1f, -0.1f, 20f, -20f, 88f, -88f, 100f, -100f, Float.NaN};
        DeviceBuffer d = dev(sp), o = dev(sp.length);
        ElementwiseKernels.unary(UnaryOp.EXP, o.ptr(), d.ptr(), sp.length, 0f);
        close("exp special", map(sp, v -> (float) Math.exp(v)), o.toFloatArray());
        ElementwiseKernels.unary(UnaryOp.TANH, o.ptr(), d.ptr(), sp.length, 0f);
        close("tanh special", map(sp, Math::tanh), o.toFloatArray());
        ElementwiseKernels.unary(UnaryOp.SIGMOID, o.ptr(), d.ptr(), sp.length, 0f);
        close("sigmoid special", map(sp, v -> 1 / (1 + Math.exp(-v))), o.toFloatArray());
        // pow: negative base with integer exponents, zero exponent
        float[] base = {-2f, -1.5f, 0f, 2f, 3f};
        DeviceBuffer db = dev(base), ob = dev(base.length);
        for (float e : new float[]{2f, 3f, 0f, -1f, 0.5f}) {
            ElementwiseKernels.unary(UnaryOp.POW_SCALAR, ob.ptr(), db.ptr(), base.length, e);
            close("pow e=" + e, map(base, v -> Math.pow(v, e)), ob.toFloatArray());
        }
    }

    @Test void binaryOps() {
        for (int n : SIZES) {
            float[] a = rand(n, -3f, 3f), b = rand(n, -3f, 3f), bp = rand(n, 0.5f, 2f), ap = rand(n, 0.1f, 3f);
            for (int i = 0; i < n; i += 7) b[i] = a[i]; // some equal pairs for EQ
            DeviceBuffer da = dev(a), dbb = dev(b), dbp = dev(bp), dap = dev(ap), out = dev(n);
            java.util.Map<BinaryOp, DoubleBinaryOperator> ref = java.util.Map.of(
                    BinaryOp.ADD, (x, y) -> x + y, BinaryOp.SUB, (x, y) -> x - y, BinaryOp.MUL, (x, y) -> x * y, BinaryOp.DIV,
                    (x, y) -> x / y,
                    BinaryOp.POW, Math::pow, BinaryOp.MAX, Math::max,
                    BinaryOp.EQ, (x, y) -> x == y ? 1 : 0, BinaryOp.GT, (x, y) -> x > y ? 1 : 0);
            for (BinaryOp op : BinaryOp.values()) {
                boolean powOp = op == BinaryOp.POW, divOp = op == BinaryOp.DIV;
                float[] xa = powOp ? ap : a, xb = (powOp || divOp) ? bp : b;
                ElementwiseKernels.binary(op, out.ptr(), (powOp ? dap : da).ptr(), ((powOp || divOp) ? dbp : dbb).ptr(), n);
                double[] r = new double[n];
                for (int i = 0; i < n; i++) r[i] = ref.get(op).applyAsDouble(xa[i], xb[i]);
                close("binary op " + op + " n=" + n, r, out.toFloatArray());
            }
        }
    }

    @Test void broadcastingAndStridedCopies() {
        // a: [3,1,5] broadcast against b: [1,4,5] -> out [3,4,5]; a given as a transposed view of a [5,3] buffer
        int[] shape = {3, 4, 5};
        float[] aBuf = rand(1 + 15, -2, 2); // offset 1, stored [5,3]: a[i,0,k] = aBuf[1 + k*3 + i]
        float[] bBuf = rand(20, -2, 2);      // b[0,j,k] = bBuf[j*5 + k]
        DeviceBuffer da = dev(aBuf), dbb = dev(bBuf), out = dev(60);
        for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.MUL, BinaryOp.SUB, BinaryOp.MAX, BinaryOp.GT}) {
            ElementwiseKernels.binaryStrided(op, out.ptr(), da.at(1), new int[]{1, 0, 3}, dbb.ptr(), new int[]{0, 5, 1}, shape);
            double[] r = new double[60];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++) {
                double x = aBuf[1 + k * 3 + i], y = bBuf[j * 5 + k];
                r[(i * 4 + j) * 5 + k] = op == BinaryOp.ADD
                        ? x + y
                        : op == BinaryOp.MUL
                                ? x * y
                                : op == BinaryOp.SUB
                                        ? x - y
                                        : op == BinaryOp.MAX ? Math.max(x, y) : (x > y ? 1 : 0);
            }
            close("binaryStrided op " + op, r, out.toFloatArray());
        }
        // 8-d broadcast, scalar b
        int[] s8 = {2, 1, 3, 1, 2, 1, 2, 3};
        int n8 = 72;
        float[] x8 = rand(n8, -1, 1);
        int[] st8 = new int[8];
        for (int d = 7, acc = 1; d >= 0; d--) { st8[d] = acc; acc *= s8[d]; }
        DeviceBuffer d8 = dev(x8), sc = dev(new float[]{0.25f}), o8 = dev(n8);
        ElementwiseKernels.binaryStrided(BinaryOp.MUL, o8.ptr(), d8.ptr(), st8, sc.ptr(), new int[8], s8);
        close("binaryStrided 8-d", map(x8, v -> v * 0.25), o8.toFloatArray());

        // copy_strided: transpose [4,6] -> [6,4] from an offset
        float[] m = rand(2 + 24, -1, 1);
        DeviceBuffer dm = dev(m), t = dev(24);
        ElementwiseKernels.copyStrided(t.ptr(), dm.ptr(), 2, new int[]{1, 6}, new int[]{6, 4});
        float[] got = t.toFloatArray();
        for (int i = 0; i < 6; i++) for (int j = 0; j < 4; j++) assertEquals(m[2 + j * 6 + i], got[i * 4 + j], "transpose");
        // copy_to_strided: write it back transposed into a zeroed buffer at offset 2
        DeviceBuffer back = dev(26);
        back.zero();
        ElementwiseKernels.copyToStrided(back.ptr(), 2, new int[]{1, 6}, t.ptr(), new int[]{6, 4}, false);
        float[] bk = back.toFloatArray();
        for (int i = 2; i < 26; i++) assertEquals(m[i], bk[i], "copy_to_strided");
        // n = 1 and a column slice
        ElementwiseKernels.copyStrided(t.ptr(), dm.ptr(), 5, new int[]{6}, new int[]{4});
        got = t.toFloatArray();
        for (int j = 0; j < 4; j++) assertEquals(m[5 + 6 * j], got[j], "column slice");
    }

    // ------------------------------------------------------------------ reduce

    @Test void reductions() {
        int[][] shapes = {{1, 1, 1}, {1, 1000, 1}, {7, 33, 1}, {3, 5, 4}, {2, 1000, 3}, {manyRows(), 3, 1}, {1, 257, 129}, {4, 0, 2}};
        for (int[] sh : shapes) {
            int outer = sh[0], dim = sh[1], inner = sh[2];
            float[] x = rand(Math.max(1, outer * dim * inner), -2, 2);
            DeviceBuffer dx = dev(x), out = dev((long) outer * inner);
            for (ReduceOp op : ReduceOp.values()) {
                ReduceKernels.reduce(op, out.ptr(), dx.ptr(), outer, dim, inner);
                double[] r = new double[outer * inner], scale = new double[outer * inner];
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) {
                    double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0, sc = 0;
                    for (int d = 0; d < dim; d++) {
                        double v = x[(o * dim + d) * inner + i];
                        acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                        sc += Math.abs(v);
                    }
                    r[o * inner + i] = acc;
                    scale[o * inner + i] = sc;
                }
                close("reduce op " + op + " " + outer + "x" + dim + "x" + inner, r, out.toFloatArray(), scale);
            }
        }
        // determinism: the same reduction twice gives identical bits
        float[] x = rand(100_000, -1, 1);
        DeviceBuffer dx = dev(x), o1 = dev(1);
        ReduceKernels.reduce(ReduceOp.SUM, o1.ptr(), dx.ptr(), 1, x.length, 1);
        float first = o1.toFloatArray()[0];
        for (int i = 0; i < 3; i++) {
            ReduceKernels.reduce(ReduceOp.SUM, o1.ptr(), dx.ptr(), 1, x.length, 1);
            assertEquals(first, o1.toFloatArray()[0]);
        }
    }

    // ------------------------------------------------------------------ softmax

    @Test void softmaxForwardBackward() {
        int[][] shapes = {{1, 1}, {3, 7}, {5, 1000}, {manyRows(), 3}, {2, 4097}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1];
            float[] x = rand(rows * cols, -5, 5), dy = rand(rows * cols, -1, 1);
            DeviceBuffer dxs = dev(x), ddy = dev(dy), y = dev(rows * cols), dx = dev(rows * cols);
            for (boolean log : new boolean[]{false, true}) {
                SoftmaxKernels.softmax(y.ptr(), dxs.ptr(), rows, cols, log);
                double[] ry = new double[rows * cols], rdx = new double[rows * cols];
                for (int r = 0; r < rows; r++) {
                    double m = Double.NEGATIVE_INFINITY, s = 0;
                    for (int c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
                    for (int c = 0; c < cols; c++) s += Math.exp(x[r * cols + c] - m);
                    for (int c = 0; c < cols; c++) {
                        double v = x[r * cols + c] - m;
                        ry[r * cols + c] = log ? v - Math.log(s) : Math.exp(v) / s;
                    }
                    double dot = 0, sdy = 0;
                    for (int c = 0; c < cols; c++) { dot += dy[r * cols + c] * (log ? 0 : ry[r * cols + c]); sdy += dy[r * cols + c]; }
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        rdx[i] = log ? dy[i] - Math.exp(ry[i]) * sdy : ry[i] * (dy[i] - dot);
                    }
                }
                float[] gy = y.toFloatArray();
                close((log ? "log" : "") + "softmax fwd " + rows + "x" + cols, ry, gy);
                SoftmaxKernels.softmaxBackward(dx.ptr(), y.ptr(), ddy.ptr(), rows, cols, log, 1f);
                double[] scale = new double[rows * cols];
                java.util.Arrays.fill(scale, log ? Math.sqrt(cols) : 1);
                close((log ? "log" : "") + "softmax bwd " + rows + "x" + cols, rdx, dx.toFloatArray(), scale);
            }
        }
    }

    // ------------------------------------------------------------------ layernorm

    @Test void layerNormForwardBackward() {
        int[][] shapes = {{1, 1}, {37, 100}, {5, 1031}, {300, 64}};
        float eps = 1e-5f;
        for (int[] sh : shapes) {
            int rows = sh[0], C = sh[1];
            for (boolean affine : new boolean[]{true, false}) {
                float[] x = rand(rows * C, -3, 3), w = rand(C, 0.5f, 1.5f), b = rand(C, -1, 1), dy = rand(rows * C, -1, 1);
                DeviceBuffer dxx = dev(x), dw0 = affine ? dev(w) : null, db0 = affine ? dev(b) : null, ddy = dev(dy);
                DeviceBuffer out = dev(rows * C), mean = dev(rows), rstd = dev(rows), dx = dev(rows * C), gw = dev(C), gb = dev(C);
                LayerNormKernels.layerNorm(out.ptr(), new DeviceNormStats(mean.ptr(), rstd.ptr()), dxx.ptr(),
                        new DeviceAffine(p(dw0), p(db0)), rows, C, eps);
                double[] ro = new double[rows * C], rdx = new double[rows * C], rgw = new double[C], rgb = new double[C];
                double[] rmean = new double[rows], rrstd = new double[rows];
                for (int r = 0; r < rows; r++) {
                    double mu = 0, var = 0;
                    for (int c = 0; c < C; c++) mu += x[r * C + c];
                    mu /= C;
                    for (int c = 0; c < C; c++) var += (x[r * C + c] - mu) * (x[r * C + c] - mu);
                    var /= C;
                    double rs = 1 / Math.sqrt(var + eps);
                    rmean[r] = mu;
                    rrstd[r] = rs;
                    double s1 = 0, s2 = 0;
                    for (int c = 0; c < C; c++) {
                        double xh = (x[r * C + c] - mu) * rs, ww = affine ? w[c] : 1, bb = affine ? b[c] : 0;
                        ro[r * C + c] = xh * ww + bb;
                        double g = dy[r * C + c] * ww;
                        s1 += g;
                        s2 += g * xh;
                        rgw[c] += dy[r * C + c] * xh;
                        rgb[c] += dy[r * C + c];
                    }
                    for (int c = 0; c < C; c++) {
                        double xh = (x[r * C + c] - mu) * rs, g = dy[r * C + c] * (affine ? w[c] : 1);
                        rdx[r * C + c] = rs * (g - s1 / C - xh * s2 / C);
                    }
                }
                String tag = rows + "x" + C + (affine ? " affine" : "");
                close("layernorm out " + tag, ro, out.toFloatArray());
                close("layernorm mean " + tag, rmean, mean.toFloatArray());
                close("layernorm rstd " + tag, rrstd, rstd.toFloatArray(), map(rstd.toFloatArray(), Math::abs));
                LayerNormKernels.layerNormBackward(dx.ptr(), new DeviceAffine(gw.ptr(), gb.ptr()), ddy.ptr(), dxx.ptr(),
                        new DeviceNormStats(mean.ptr(), rstd.ptr()), p(dw0), rows, C);
                double[] sc = new double[rows * C];
                java.util.Arrays.fill(sc, 10);
                close("layernorm dx " + tag, rdx, dx.toFloatArray(), sc);
                double[] scc = new double[C];
                java.util.Arrays.fill(scc, rows);
                close("layernorm dw " + tag, rgw, gw.toFloatArray(), scc);
                close("layernorm db " + tag, rgb, gb.toFloatArray(), scc);
            }
        }
    }

    // ------------------------------------------------------------------ gelu

    @Test void geluForwardBackward() {
        for (int n : SIZES) {
            float[] x = rand(n, -6, 6), dy = rand(n, -1, 1);
            DeviceBuffer dx = dev(x), ddy = dev(dy), out = dev(n), g = dev(n);
            GeluKernels.gelu(out.ptr(), dx.ptr(), n, false);
            double k = Math.sqrt(2 / Math.PI);
            close("gelu fwd n=" + n, map(x, v -> 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v)))), out.toFloatArray());
            GeluKernels.geluBackward(g.ptr(), dx.ptr(), ddy.ptr(), n, false);
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                double v = x[i], t = Math.tanh(k * (v + 0.044715 * v * v * v));
                r[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v));
            }
            close("gelu bwd n=" + n, r, g.toFloatArray());
        }
    }

    // ------------------------------------------------------------------ embedding

    @Test void embeddingForwardBackward() {
        int V = 50, D = 33;
        int[] ids = {3, 7, 3, -1, 49, 0, 3, 12};
        float[] w = rand(V * D, -1, 1), dout = rand(ids.length * D, -1, 1);
        DeviceBuffer dw = dev(w), did = dev(ids), out = dev(ids.length * D), dd = dev(dout), gw = dev(V * D);
        EmbeddingKernels.embedding(out.ptr(), dw.ptr(), did.ptr(), ids.length, D);
        float[] got = out.toFloatArray();
        for (int r = 0; r < ids.length; r++)
            for (int d = 0; d < D; d++) assertEquals(ids[r] < 0 ? 0f : w[ids[r] * D + d], got[r * D + d], "gather");
        gw.zero();
        EmbeddingKernels.embeddingBackward(gw.ptr(), dd.ptr(), did.ptr(), ids.length, D);
        double[] ref = new double[V * D];
        for (int r = 0; r < ids.length; r++) if (ids[r] >= 0) for (int d = 0; d < D; d++) ref[ids[r] * D + d] += dout[r * D + d];
        close("embedding bwd", ref, gw.toFloatArray());
    }

    // ------------------------------------------------------------------ cross-entropy

    @Test void crossEntropyForwardBackward() {
        int[][] shapes = {{1, 1}, {6, 10}, {33, 1000}, {4, 50257}};
        for (int[] sh : shapes) {
            int N = sh[0], C = sh[1];
            float[] x = rand(N * C, -4, 4);
            int[] t = new int[N];
            for (int i = 0; i < N; i++) t[i] = (i % 5 == 3) ? IGNORE_INDEX : RND.nextInt(C);
            DeviceBuffer dx = dev(x), dt = dev(t), loss = dev(N), lse = dev(N), cnt = dev(1), g = dev(N * C);
            DeviceBuffer gout = dev(new float[]{0.7f});
            CrossEntropyKernels.DeviceTargets tg = new CrossEntropyKernels.DeviceTargets(dt.ptr(), N, IGNORE_INDEX);
            CrossEntropyKernels.crossEntropy(loss.ptr(), lse.ptr(), dx.ptr(), tg, C);
            CrossEntropyKernels.crossEntropyCount(cnt.ptr(), tg);
            double[] rl = new double[N], rlse = new double[N];
            int count = 0;
            for (int r = 0; r < N; r++) {
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int c = 0; c < C; c++) m = Math.max(m, x[r * C + c]);
                for (int c = 0; c < C; c++) s += Math.exp(x[r * C + c] - m);
                rlse[r] = m + Math.log(s);
                rl[r] = t[r] == IGNORE_INDEX ? 0 : rlse[r] - x[r * C + t[r]];
                if (t[r] != IGNORE_INDEX) count++;
            }
            close("ce loss " + N + "x" + C, rl, loss.toFloatArray());
            close("ce lse " + N + "x" + C, rlse, lse.toFloatArray());
            assertEquals(count, cnt.toFloatArray()[0], 0f, "ce count");
            CrossEntropyKernels.crossEntropyBackward(g.ptr(), dx.ptr(), lse.ptr(), tg, C,
                    new CrossEntropyKernels.Upstream(gout.ptr(), 0, cnt.ptr(), 1f));
            double[] rg = new double[N * C];
            for (int r = 0; r < N; r++) for (int c = 0; c < C; c++) {
                if (t[r] == IGNORE_INDEX) continue;
                double p = Math.exp(x[r * C + c] - rlse[r]);
                rg[r * C + c] = (p - (c == t[r] ? 1 : 0)) * 0.7 / Math.max(count, 1);
            }
            if (count > 0) close("ce bwd " + N + "x" + C, rg, g.toFloatArray());
            // per-row upstream gradients, no count
            DeviceBuffer gr = dev(rand(N, 0, 1));
            float[] grh = gr.toFloatArray();
            CrossEntropyKernels.crossEntropyBackward(g.ptr(), dx.ptr(), lse.ptr(), tg, C,
                    new CrossEntropyKernels.Upstream(gr.ptr(), 1, 0L, 2f));
            for (int r = 0; r < N; r++) for (int c = 0; c < C; c++) {
                if (t[r] == IGNORE_INDEX) continue;
                double p = Math.exp(x[r * C + c] - rlse[r]);
                rg[r * C + c] = (p - (c == t[r] ? 1 : 0)) * grh[r] * 2;
            }
            close("ce bwd per-row " + N + "x" + C, rg, g.toFloatArray());
        }
    }

    // ------------------------------------------------------------------ dropout / RNG

    @Test void dropoutMatchesCounterRngExactly() {
        for (int n : SIZES) {
            long seed = 0x5EEDL + n, offset = 1000L * n;
            float p = 0.3f;
            float[] x = rand(n, -1, 1);
            DeviceBuffer dx = dev(x), out = dev(n), mask = dev(n), u = dev(n);
            DropoutKernels.dropout(out.ptr(), mask.ptr(), dx.ptr(), n, p, CounterRng.dropoutScale(p), seed, offset);
            DropoutKernels.rngUniform(u.ptr(), n, seed, offset);
            float[] go = out.toFloatArray(), gm = mask.toFloatArray(), gu = u.toFloatArray();
            float scale = CounterRng.dropoutScale(p);
            for (int i = 0; i < n; i++) {
                assertEquals(CounterRng.uniform(seed, offset + i), gu[i], 0f, "uniform " + i);
                boolean keep = CounterRng.keep(seed, offset + i, p);
                assertEquals(keep ? scale : 0f, gm[i], 0f, "mask " + i);
                assertEquals(keep ? x[i] * scale : 0f, go[i], 0f, "out " + i);
            }
        }
    }

    // ------------------------------------------------------------------ batchnorm

    @Test void batchNormForwardBackward() {
        int[][] shapes = {{1, 1, 1}, {4, 3, 17}, {2, 8, 1000}, {16, 5, 1}};
        float eps = 1e-5f, mom = 0.1f;
        for (int[] sh : shapes) {
            int B = sh[0], C = sh[1], L = sh[2], n = B * C * L, N = B * L;
            float[] x = rand(n, -2, 3), w = rand(C, 0.5f, 1.5f), b = rand(C, -1, 1), dy = rand(n, -1, 1);
            float[] rm0 = rand(C, -0.1f, 0.1f), rv0 = rand(C, 0.9f, 1.1f);
            DeviceBuffer dxx = dev(x), dw = dev(w), dbb = dev(b), ddy = dev(dy), rm = dev(rm0), rv = dev(rv0);
            DeviceBuffer mean = dev(C), inv = dev(C), out = dev(n), gx = dev(n), gw = dev(C), gb = dev(C);
            ChannelShape shape = new ChannelShape(B, C, L);
            DeviceNormStats stats = new DeviceNormStats(mean.ptr(), inv.ptr());
            BatchNormKernels.batchNormStats(stats, dxx.ptr(), shape, eps, new BatchNormKernels.Running(rm.ptr(), rv.ptr()), mom);
            BatchNormKernels.batchNormApply(out.ptr(), dxx.ptr(), stats, new DeviceAffine(dw.ptr(), dbb.ptr()), shape);
            BatchNormKernels.batchNormBackward(gx.ptr(), new DeviceAffine(gw.ptr(), gb.ptr()), ddy.ptr(), dxx.ptr(), stats, dw.ptr(),
                    shape);
            double[] rmean = new double[C], rinv = new double[C], rrm = new double[C], rrv = new double[C];
            double[] rout = new double[n], rgx = new double[n], rgw = new double[C], rgb = new double[C];
            for (int c = 0; c < C; c++) {
                double mu = 0, var = 0;
                for (int bb = 0; bb < B; bb++) for (int l = 0; l < L; l++) mu += x[(bb * C + c) * L + l];
                mu /= N;
                for (int bb = 0; bb < B; bb++) for (int l = 0; l < L; l++) { double d = x[(bb * C + c) * L + l] - mu; var += d * d; }
                var /= N;
                double is = 1 / Math.sqrt(var + eps);
                rmean[c] = mu;
                rinv[c] = is;
                rrm[c] = (1 - mom) * rm0[c] + mom * mu;
                rrv[c] = (1 - mom) * rv0[c] + mom * var * N / Math.max(N - 1, 1);
                double sdy = 0, sdyx = 0;
                for (int bb = 0; bb < B; bb++) for (int l = 0; l < L; l++) {
                    int i = (bb * C + c) * L + l;
                    double xh = (x[i] - mu) * is;
                    rout[i] = xh * w[c] + b[c];
                    sdy += dy[i];
                    sdyx += dy[i] * xh;
                }
                rgw[c] = sdyx;
                rgb[c] = sdy;
                for (int bb = 0; bb < B; bb++) for (int l = 0; l < L; l++) {
                    int i = (bb * C + c) * L + l;
                    double xh = (x[i] - mu) * is;
                    rgx[i] = w[c] * is * (dy[i] - sdy / N - xh * sdyx / N);
                }
            }
            String tag = B + "x" + C + "x" + L;
            close("bn mean " + tag, rmean, mean.toFloatArray());
            close("bn invstd " + tag, rinv, inv.toFloatArray(), rinv);
            close("bn running mean " + tag, rrm, rm.toFloatArray());
            close("bn running var " + tag, rrv, rv.toFloatArray());
            close("bn out " + tag, rout, out.toFloatArray());
            double[] sc = new double[C];
            java.util.Arrays.fill(sc, N);
            close("bn dw " + tag, rgw, gw.toFloatArray(), sc);
            close("bn db " + tag, rgb, gb.toFloatArray(), sc);
            double[] scx = new double[n];
            java.util.Arrays.fill(scx, N == 1 ? 1e3 : 10);
            close("bn dx " + tag, rgx, gx.toFloatArray(), scx);
        }
    }

    // ------------------------------------------------------------------ adamw

    @Test void adamwStep() {
        int n = 1003;
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        float[] p = rand(n, -1, 1), m = rand(n, -0.1f, 0.1f), v = rand(n, 0, 0.01f);
        DeviceBuffer dp = dev(p), dm = dev(m), dv = dev(v);
        double[] rp = new double[n], rm = new double[n], rv = new double[n];
        for (int i = 0; i < n; i++) { rp[i] = p[i]; rm[i] = m[i]; rv[i] = v[i]; }
        for (int step = 1; step <= 3; step++) {
            float[] g = rand(n, -1, 1);
            DeviceBuffer dg = dev(g);
            AdamWStep s = new AdamWStep(lr, b1, b2, eps, wd, (float) (1 - Math.pow(b1, step)), (float) (1 - Math.pow(b2, step)));
            AdamWKernels.adamw(dp.ptr(), dg.ptr(), dm.ptr(), dv.ptr(), n, s);
            double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
            for (int i = 0; i < n; i++) {
                rp[i] *= 1 - lr * wd;
                rm[i] = b1 * rm[i] + (1 - b1) * g[i];
                rv[i] = b2 * rv[i] + (1 - b2) * g[i] * g[i];
                rp[i] -= lr * (rm[i] / bc1) / (Math.sqrt(rv[i] / bc2) + eps);
            }
        }
        close("adamw param", rp, dp.toFloatArray());
        close("adamw m", rm, dm.toFloatArray());
        close("adamw v", rv, dv.toFloatArray());
    }

    // ------------------------------------------------------------------ conv1d via im2col + sgemm

    @Test void conv1dIm2colCol2im() {
        int B = 2, Cin = 3, L = 11, Cout = 4;
        for (int K : new int[]{1, 3, 5}) {
            int pad = K / 2, Lout = L + 2 * pad - K + 1;
            float[] x = rand(B * Cin * L, -1, 1), w = rand(Cout * Cin * K, -1, 1), dy = rand(B * Cout * Lout, -1, 1);
            DeviceBuffer dx = dev(x), dw = dev(w), cols = dev(B * Cin * K * Lout), out = dev(B * Cout * Lout);
            ConvKernels.im2col1d(cols.ptr(), dx.ptr(), B, Cin, L, K, pad);
            float[] gc = cols.toFloatArray();
            for (int b = 0; b < B; b++) for (int ci = 0; ci < Cin; ci++) for (int j = 0; j < K; j++) for (int lo = 0; lo < Lout; lo++) {
                int li = lo + j - pad;
                float e = li < 0 || li >= L ? 0f : x[(b * Cin + ci) * L + li];
                assertEquals(e, gc[((b * Cin + ci) * K + j) * Lout + lo], 0f, "im2col");
            }
            // out[b] = W (Cout x Cin*K) * cols[b] (Cin*K x Lout), strideA = 0
            CudaSgemm.sgemm(new Gemm(new GemmShape(false, false, Cout, Lout, Cin * K, B), 1f, 0f),
                    new DeviceMatrix(out.ptr(), Lout, (long) Cout * Lout), new DeviceMatrix(dw.ptr(), Cin * K, 0),
                    new DeviceMatrix(cols.ptr(), Lout, (long) Cin * K * Lout));
            double[] ref = new double[B * Cout * Lout], sc = new double[B * Cout * Lout];
            for (int b = 0; b < B; b++) for (int co = 0; co < Cout; co++) for (int lo = 0; lo < Lout; lo++) {
                double s = 0, a = 0;
                for (int ci = 0; ci < Cin; ci++) for (int j = 0; j < K; j++) {
                    int li = lo + j - pad;
                    if (li < 0 || li >= L) continue;
                    s += w[(co * Cin + ci) * K + j] * x[(b * Cin + ci) * L + li];
                    a += Math.abs(w[(co * Cin + ci) * K + j] * x[(b * Cin + ci) * L + li]);
                }
                ref[(b * Cout + co) * Lout + lo] = s;
                sc[(b * Cout + co) * Lout + lo] = a;
            }
            close("conv1d fwd K=" + K, ref, out.toFloatArray(), sc);
            // col2im of dcols
            float[] dcols = rand(B * Cin * K * Lout, -1, 1);
            DeviceBuffer dc = dev(dcols), din = dev(B * Cin * L);
            ConvKernels.col2im1d(din.ptr(), dc.ptr(), B, Cin, L, K, pad);
            double[] rin = new double[B * Cin * L];
            for (int b = 0; b < B; b++) for (int ci = 0; ci < Cin; ci++) for (int j = 0; j < K; j++) for (int lo = 0; lo < Lout; lo++) {
                int li = lo + j - pad;
                if (li >= 0 && li < L) rin[(b * Cin + ci) * L + li] += dcols[((b * Cin + ci) * K + j) * Lout + lo];
            }
            close("col2im K=" + K, rin, din.toFloatArray());
        }
    }
}
