package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.GemmShape;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Sgemm} (vector and scalar kernels) against a naive double-precision reference.
 *
 * <p>Tolerance: for each element, |got - ref| <= 1e-5 * sqrt(max(k, 1)) * scale, where
 * scale = sum_p |alpha * a_ip * b_pj| + |beta * c_ij| is the size of the terms summed into that
 * element (the natural scale of float rounding error in a dot product). A kernel that drops or
 * repeats a single term of a random product exceeds it by orders of magnitude.
 * Elements of the C array outside the m x n matrix (the ldc padding, before the offset, after
 * the end) are filled with a sentinel and must be left untouched.
 */
class SgemmTest {
    private static final float SENTINEL = -12345.5f;

    /** One gemm problem with its own randomly filled, padded arrays. */
    static final class Case {
        final boolean ta, tb;
        final int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
        final float alpha, beta;
        final float[] a, b, c0;
        Case(Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean pad) {
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            int ep = pad ? 3 : 0;
            lda = Math.max(1, (ta ? m : k) + (pad ? r.nextInt(4) : 0));
            ldb = Math.max(1, (tb ? k : n) + (pad ? r.nextInt(4) : 0));
            ldc = Math.max(1, n + (pad ? r.nextInt(4) : 0));
            aOff = pad ? r.nextInt(5) : 0;
            bOff = pad ? r.nextInt(5) : 0;
            cOff = pad ? r.nextInt(5) : 0;
            a = rand(r, aOff + (ta ? k : m) * lda + ep, 0f);
            b = rand(r, bOff + (tb ? n : k) * ldb + ep, 0f);
            c0 = new float[cOff + m * ldc + ep];
            java.util.Arrays.fill(c0, SENTINEL);
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c0[cOff + i * ldc + j] = r.nextFloat() * 2 - 1;
        }
        float A(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }
        float B(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }
        float[] run(SgemmBlocked kernel, int threads) {
            float[] c = c0.clone();
            Sgemm.run(kernel, ArrayMatrix.of(c, cOff, ldc), ArrayMatrix.of(a, aOff, lda), ArrayMatrix.of(b, bOff, ldb), shape(), threads,
                    alpha,
                    beta);
            return c;
        }
        GemmShape shape() { return GemmShape.of(ta, tb, m, n, k); }
        void check(float[] c, String what) {
            for (int i = 0; i < c.length; i++) {
                int rel = i - cOff, row = rel < 0 ? -1 : rel / ldc, col = rel < 0 ? -1 : rel % ldc;
                if (row < 0 || row >= m || col >= n)
                    assertEquals(SENTINEL, c[i], what + ": element " + i + " outside C was written");
            }
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double ref = 0, scale = 0;
                for (int p = 0; p < k; p++) { double t = (double) alpha * A(i, p) * B(p, j); ref += t; scale += Math.abs(t); }
                double cOld = c0[cOff + i * ldc + j];
                if (beta != 0f) { ref += beta * cOld; scale += Math.abs(beta * cOld); }
                double got = c[cOff + i * ldc + j];
                double tol = 1e-5 * Math.sqrt(Math.max(k, 1)) * scale + 1e-30;
                if (!(Math.abs(got - ref) <= tol))
                    fail(what + ": C[" + i + "," + j + "] = " + got + ", expected " + ref + " (tol " + tol + ")");
            }
        }
        @Override public String toString() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        }
    }

    static float[] rand(Random r, int len, float unused) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    /** Kernels under test: the production ones and variants with tiny blocks (every block edge is hit). */
    static List<SgemmBlocked> kernels() {
        List<SgemmBlocked> ks = new ArrayList<>();
        ks.add(new SgemmScalar());
        ks.add(new SgemmScalar(5, 12, 8));
        if (VectorSupport.available()) {
            ks.add(new SgemmVector());
            ks.add(new SgemmVector(7, 2 * SgemmVector.MR, 2 * SgemmVector.NR));
        }
        return ks;
    }

    static List<int[]> shapes(Random r) {
        List<int[]> s = new ArrayList<>(List.of(
                new int[]{1, 1, 1}, new int[]{1, 1, 7}, new int[]{2, 3, 1}, new int[]{13, 17, 19}, new int[]{31, 37, 41},
                new int[]{12, 32, 16}, new int[]{24, 64, 5}, new int[]{11, 33, 3}, new int[]{1, 97, 13}, new int[]{97, 1, 13},
                new int[]{3, 5, 300}, new int[]{61, 131, 67}));
        for (int i = 0; i < 6; i++) s.add(new int[]{1 + r.nextInt(70), 1 + r.nextInt(90), 1 + r.nextInt(60)});
        return s;
    }

    @Test void matchesReferenceAllTransposesAndEdges() {
        Random r = new Random(42);
        float[][] ab = {{1f, 0f}, {0.75f, 1f}, {-1.5f, 0.5f}};
        for (int[] sh : shapes(r)) {
            for (int t = 0; t < 4; t++) {
                float[] alphaBeta = ab[(sh[0] + sh[1] + t) % ab.length];
                Case cs = new Case(r, (t & 1) != 0, (t & 2) != 0, sh[0], sh[1], sh[2], alphaBeta[0], alphaBeta[1], t != 0);
                for (SgemmBlocked kernel : kernels())
                    cs.check(cs.run(kernel, Parallel.threads()), kernel.getClass().getSimpleName() + " kc=" + kernel.kcMax + " " + cs);
            }
        }
    }

    @Test void largeishMultithreadedAndDeterministic() {
        Random r = new Random(7);
        for (int t = 0; t < 4; t++) {
            Case cs = new Case(r, (t & 1) != 0, (t & 2) != 0, 257, 129, 300, 0.5f, t == 3 ? 0f : 2f, true);
            for (SgemmBlocked kernel : kernels()) {
                String what = kernel.getClass().getSimpleName() + " kc=" + kernel.kcMax + " " + cs;
                float[] c1 = cs.run(kernel, Parallel.threads());
                cs.check(c1, what);
                assertArrayEquals(c1, cs.run(kernel, Parallel.threads()), "not deterministic: " + what);
                assertArrayEquals(c1, cs.run(kernel, 1), "depends on the thread count: " + what);
            }
        }
        // too narrow for the tile (n = 7, B transposed): dot products, split by rows
        Case narrow = new Case(r, false, true, 3001, 7, 64, 0.5f, 2f, true);
        for (SgemmBlocked kernel : kernels()) {
            float[] c1 = narrow.run(kernel, Parallel.threads());
            narrow.check(c1, "narrow " + kernel.getClass().getSimpleName());
            assertArrayEquals(c1, narrow.run(kernel, 1), "narrow: depends on the thread count");
        }
        // wide-and-short C takes the split-by-columns path
        Case wide = new Case(r, false, true, 9, 2000, 200, 1f, 0f, true);
        for (SgemmBlocked kernel : kernels()) {
            float[] c1 = wide.run(kernel, Parallel.threads());
            wide.check(c1, "wide " + kernel.getClass().getSimpleName());
            assertArrayEquals(c1, wide.run(kernel, 1), "wide: depends on the thread count");
        }
    }

    @Test void publicEntryPointAndBetaSemantics() {
        Random r = new Random(3);
        Case cs = new Case(r, true, false, 40, 50, 60, 1.25f, -0.5f, true);
        float[] c = cs.c0.clone();
        Sgemm.sgemm(ArrayMatrix.of(c, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda), ArrayMatrix.of(cs.b, cs.bOff, cs.ldb),
                cs.shape(), cs.alpha, cs.beta);
        cs.check(c, "Sgemm.sgemm " + Sgemm.kernelName());

        // beta == 0: NaN in C is overwritten, never propagated
        float[] a = rand(r, 6, 0), b = rand(r, 6, 0), cn = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Sgemm.sgemm(ArrayMatrix.of(cn, 0, 2), ArrayMatrix.of(a, 0, 3), ArrayMatrix.of(b, 0, 2), GemmShape.of(false, false, 2, 2, 3), 1f,
                0f);
        for (float v : cn) assertFalse(Float.isNaN(v));
        // k == 0: C = beta * C, and with beta == 0, C = 0 even if it held NaN
        float[] c2 = {1, 2, 3, 4};
        Sgemm.sgemm(ArrayMatrix.of(c2, 0, 2), ArrayMatrix.of(new float[0], 0, 1), ArrayMatrix.of(new float[0], 0, 2),
                GemmShape.of(false, false, 2, 2, 0), 1f, 3f);
        assertArrayEquals(new float[]{3, 6, 9, 12}, c2);
        Sgemm.sgemm(ArrayMatrix.of(cn, 0, 2), ArrayMatrix.of(new float[0], 0, 1), ArrayMatrix.of(new float[0], 0, 2),
                GemmShape.of(false, false, 2, 2, 0), 1f, 0f);
        assertArrayEquals(new float[]{0, 0, 0, 0}, cn);
        // m == 0 or n == 0: nothing happens
        Sgemm.sgemm(ArrayMatrix.of(new float[0], 0, 5), ArrayMatrix.of(new float[0], 0, 5), ArrayMatrix.of(new float[25], 0, 5),
                GemmShape.of(false, false, 0, 5, 5), 1f, 0f);
    }

    @Test void batchedSmallAndLarge() {
        Random r = new Random(11);
        // {m, n, k, batch}; the last: attention to 5 adaptation tokens (NT: the dot-product path)
        for (int[] sh : new int[][]{{17, 23, 29, 9}, {130, 70, 90, 3}, {40, 5, 64, 12}}) {
            int m = sh[0], n = sh[1], k = sh[2], batch = sh[3];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                List<Case> cases = new ArrayList<>();
                for (int i = 0; i < batch; i++) cases.add(new Case(r, ta, tb, m, n, k, 0.5f, 1.5f, false));
                int sa = m * k + 3, sb = k * n + 1, sc = m * n + 2, off = 4;
                float[] a = new float[off + batch * sa], b = new float[off + batch * sb], c = new float[off + batch * sc];
                for (int i = 0; i < batch; i++) {
                    Case cs = cases.get(i);
                    System.arraycopy(cs.a, 0, a, off + i * sa, m * k);
                    System.arraycopy(cs.b, 0, b, off + i * sb, k * n);
                    System.arraycopy(cs.c0, 0, c, off + i * sc, m * n);
                }
                Sgemm.sgemm(ArrayMatrix.batched(c, off, n, sc), ArrayMatrix.batched(a, off, cases.get(0).lda, sa),
                        ArrayMatrix.batched(b, off, cases.get(0).ldb, sb), new GemmShape(ta, tb, m, n, k, batch), 0.5f, 1.5f);
                for (int i = 0; i < batch; i++) {
                    float[] ci = new float[m * n];
                    System.arraycopy(c, off + i * sc, ci, 0, m * n);
                    cases.get(i).check(ci, "batched item " + i + " " + cases.get(i));
                }
                SgemmBlocked scalar = new SgemmScalar();
                float[] cs = new float[off + batch * sc];
                for (int i = 0; i < batch; i++) System.arraycopy(cases.get(i).c0, 0, cs, off + i * sc, m * n);
                Sgemm.run(scalar, ArrayMatrix.batched(cs, off, n, sc), ArrayMatrix.batched(a, off, cases.get(0).lda, sa),
                        ArrayMatrix.batched(b, off, cases.get(0).ldb, sb), new GemmShape(ta, tb, m, n, k, batch), Parallel.threads(), 0.5f,
                        1.5f);
                for (int i = 0; i < batch; i++) {
                    float[] ci = new float[m * n];
                    System.arraycopy(cs, off + i * sc, ci, 0, m * n);
                    cases.get(i).check(ci, "scalar batched item " + i);
                }
            }
        }
        // strideB == 0: every item shares one B
        float[] a = rand(r, 2 * 6, 0), b = rand(r, 6, 0), c = new float[2 * 4];
        Sgemm.sgemm(ArrayMatrix.batched(c, 0, 2, 4), ArrayMatrix.batched(a, 0, 3, 6), ArrayMatrix.batched(b, 0, 2, 0),
                new GemmShape(false, false, 2, 2, 3, 2), 1f, 0f);
        float[] c1 = new float[4];
        Sgemm.sgemm(ArrayMatrix.of(c1, 0, 2), ArrayMatrix.of(a, 6, 3), ArrayMatrix.of(b, 0, 2), GemmShape.of(false, false, 2, 2, 3), 1f,
                0f);
        assertArrayEquals(c1, java.util.Arrays.copyOfRange(c, 4, 8));
    }

    @Test void rejectsBadArguments() {
        float[] x = new float[100];
        assertMessage("GEMM sizes m -1", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 2), ArrayMatrix.of(x, 0, 2), ArrayMatrix.of(x, 0, 2),
                GemmShape.of(false, false, -1, 2, 2), 1f, 0f));
        assertMessage("GEMM sizes m 2, n 2, k -3",
                () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 2), ArrayMatrix.of(x, 0, 2), ArrayMatrix.of(x, 0, 2),
                        GemmShape.of(false, false, 2, 2, -3), 1f, 0f));
        assertMessage("lda", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(false, false, 4, 4, 5), 1f, 0f));
        assertMessage("lda", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 5), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(true, false, 6, 4, 5), 1f, 0f));
        assertMessage("ldb", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 5), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(false, true, 4, 4, 5), 1f, 0f));
        assertMessage("ldc", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 3), ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(false, false, 4, 4, 4), 1f, 0f));
        assertMessage("array a", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 10), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(false, false, 11, 4, 10), 1f, 0f));
        assertMessage("array c", () -> Sgemm.sgemm(ArrayMatrix.of(new float[15], 0, 4), ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 4),
                GemmShape.of(false, false, 4, 4, 4), 1f, 0f));
        assertMessage("bOff", () -> Sgemm.sgemm(ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, 0, 4), ArrayMatrix.of(x, -1, 4),
                GemmShape.of(false, false, 4, 4, 4), 1f, 0f));
        assertMessage("strideC", () -> Sgemm.sgemm(ArrayMatrix.batched(x, 0, 2, -4), ArrayMatrix.batched(x, 0, 2, 4),
                ArrayMatrix.batched(x, 0, 2, 4), new GemmShape(false, false, 2, 2, 2, 2), 1f, 0f));
        assertMessage("array b", () -> Sgemm.sgemm(ArrayMatrix.batched(x, 0, 2, 4), ArrayMatrix.batched(x, 0, 2, 4),
                ArrayMatrix.batched(x, 0, 2, 50), new GemmShape(false, false, 2, 2, 2, 3), 1f, 0f));
    }

    private static void assertMessage(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(name), "message should name " + name + ": " + e.getMessage());
    }

    /**
     * A few rows of C (decoding, Gemv): against the reference; for B not transposed, bit for bit the
     * blocked kernel (same k-slices, same fused multiply-adds); a mapped B (FloatBuffer) gives the
     * array's result; the thread count does not matter.
     */
    @Test void fewRowsMatchReferenceBlockedKernelAndMappedOperand() {
        Random r = new Random(23);
        float[][] ab = {{1f, 0f}, {0.75f, 1f}, {-1.5f, 0.5f}};
        for (int m = 1; m <= Gemv.MAX_ROWS; m++)
            for (int[] nk : new int[][]{{1, 1}, {7, 3}, {33, 300}, {1000, 96}, {257, 611}}) {
                for (int t = 0; t < 2; t++) {
                    boolean tb = t == 1;
                    float[] alphaBeta = ab[(m + nk[0]) % ab.length];
                    Case cs = new Case(r, false, tb, m, nk[0], nk[1], alphaBeta[0], alphaBeta[1], true);
                    java.nio.FloatBuffer bBuf = java.nio.ByteBuffer.allocateDirect(cs.b.length * 4)
                            .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(cs.b);
                    for (SgemmBlocked kernel : kernels()) {
                        String what = "few rows " + kernel.getClass().getSimpleName() + " kc=" + kernel.kcMax + " " + cs;
                        float[] c1 = cs.run(kernel, Parallel.threads());
                        cs.check(c1, what);
                        assertArrayEquals(c1, cs.run(kernel, 1), "depends on the thread count: " + what);
                        float[] mapped = cs.c0.clone();
                        Sgemm.run(kernel, ArrayMatrix.batched(mapped, cs.cOff, cs.ldc, 0), ArrayMatrix.batched(cs.a, cs.aOff, cs.lda, 0),
                                ArrayMatrix.mapped(bBuf, cs.bOff, cs.ldb, 0), new GemmShape(false, tb, m, cs.n, cs.k, 1),
                                Parallel.threads(),
                                cs.alpha, cs.beta);
                        assertArrayEquals(c1, mapped, "mapped B differs: " + what);
                        if (!tb) {
                            float[] blocked = cs.c0.clone();
                            kernel.run(ArrayMatrix.of(blocked, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda),
                                    ArrayMatrix.of(cs.b, cs.bOff, cs.ldb), cs.shape(), cs.alpha, cs.beta);
                            assertArrayEquals(blocked, c1, "differs from the blocked kernel: " + what);
                        }
                    }
                }
            }
    }

    @Test void detectsAWrongKernel() {
        // the tolerance is tight enough that dropping one term of a sum fails the check
        Random r = new Random(5);
        Case cs = new Case(r, false, false, 8, 8, 300, 1f, 0f, false);
        float[] c = cs.run(new SgemmScalar(), 1);
        c[cs.cOff] -= cs.alpha * cs.A(0, 299) * cs.B(299, 0);
        assertThrows(AssertionError.class, () -> cs.check(c, "tampered"));
    }
}
