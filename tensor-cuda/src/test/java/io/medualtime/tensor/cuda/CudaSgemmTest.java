package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.GemmShape;

import static io.medualtime.tensor.cuda.CudaSgemm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The GEMM: the PTX kernel (every transpose, edge tiles, batches, alpha/beta, padded and unaligned
 * operands, the bias epilogue), the dispatching entry point, and cuBLAS when it loads, against a
 * double-precision reference. Skips without a usable CUDA device.
 */
class CudaSgemmTest extends CudaKernelTestBase {

    /** Reference for the row-major batched GEMM contract. */
    static void gemmRef(boolean ta, boolean tb, int M, int N, int K, float alpha, float[] a, int aOff, int lda, int sA,
            float[] b, int bOff, int ldb, int sB, float beta, float[] c0, int cOff, int ldc, int sC, int batch,
            double[] ref, double[] scale) {
        for (int z = 0; z < batch; z++) for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
            double s = 0, sa = 0;
            for (int k = 0; k < K; k++) {
                float av = ta ? a[aOff + z * sA + k * lda + i] : a[aOff + z * sA + i * lda + k];
                float bv = tb ? b[bOff + z * sB + j * ldb + k] : b[bOff + z * sB + k * ldb + j];
                s += (double) av * bv;
                sa += Math.abs((double) av * bv);
            }
            int ci = cOff + z * sC + i * ldc + j;
            ref[ci] = alpha * s + (beta == 0 ? 0 : beta * c0[ci]);
            scale[ci] = Math.abs(alpha) * sa + (beta == 0 ? 0 : Math.abs(beta * c0[ci]));
        }
    }

    void checkGemm(boolean ptx, boolean ta, boolean tb, int M, int N, int K, int batch, float alpha, float beta, int pad, int off) {
        checkGemm(ptx, 1, ta, tb, M, N, K, batch, alpha, beta, pad, off);
    }

    /** slices > 1: the PTX products split along K into that many slices. */
    void checkGemm(boolean ptx, int slices, boolean ta, boolean tb, int M, int N, int K, int batch, float alpha, float beta, int pad,
            int off) {
        int lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
        int aRows = ta ? K : M, bRows = tb ? N : K;
        int sA = aRows * lda, sB = bRows * ldb, sC = M * ldc;
        float[] a = rand(off + batch * sA + 1, -1, 1), b = rand(off + batch * sB + 1, -1, 1), c = rand(off + batch * sC + 1, -1, 1);
        if (beta == 0) for (int i = 0; i < c.length; i++) if (i % 3 == 0) c[i] = Float.NaN; // beta = 0 must not read C
        DeviceBuffer da = dev(a), db = dev(b), dc = dev(c);
        double[] ref = new double[c.length], scale = new double[c.length];
        for (int i = 0; i < c.length; i++) ref[i] = c[i];
        gemmRef(ta, tb, M, N, K, alpha, a, off, lda, sA, b, off, ldb, sB, beta, c, off, ldc, sC, batch, ref, scale);
        Gemm g = new Gemm(new GemmShape(ta, tb, M, N, K, batch), alpha, beta);
        DeviceMatrix ma = new DeviceMatrix(da.at(off), lda, sA), mb = new DeviceMatrix(db.at(off), ldb, sB),
                mc = new DeviceMatrix(dc.at(off), ldc, sC);
        if (slices > 1) sgemmSplitK(g, mc, ma, mb, 0L, slices);
        else if (ptx) sgemmPtx(g, mc, ma, mb, 0L);
        else Cublas.sgemm(g, mc, ma, mb);
        String what = (ptx ? "PTX" : "cuBLAS") + (slices > 1 ? " split-K/" + slices : "") + " sgemm ta=" + ta + " tb=" + tb + " " + M + "x"
                + N + "x" + K + " batch=" + batch
                + " alpha=" + alpha + " beta=" + beta + " pad=" + pad + " off=" + off;
        float[] got = dc.toFloatArray();
        // padding columns between rows must be untouched
        for (int z = 0; z < batch; z++) for (int i = 0; i < M; i++) for (int j = N; j < ldc; j++) {
            int ci = off + z * sC + i * ldc + j;
            if (ci < c.length && Float.floatToRawIntBits(c[ci]) != Float.floatToRawIntBits(got[ci]))
                fail(what + ": wrote padding at " + ci);
        }
        double[] r2 = new double[c.length];
        float[] g2 = new float[c.length];
        double[] s2 = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            boolean nan = Float.isNaN(c[i]) && scale[i] == 0 && ref[i] != ref[i];
            r2[i] = nan ? 0 : ref[i];
            g2[i] = nan ? 0 : got[i];
            s2[i] = scale[i];
        }
        close(what, r2, g2, s2);
        live.remove(da);
        live.remove(db);
        live.remove(dc);
        da.free();
        db.free();
        dc.free();
    }

    @Test void sgemmPtxAllTransposesAndEdgeSizes() {
        int[][] sizes = {{1, 1, 1}, {2, 3, 4}, {17, 33, 9}, {128, 128, 8}, {130, 129, 131}, {257, 3, 300}, {3, 260, 64}, {64, 64, 0}};
        for (int[] s : sizes) for (int t = 0; t < 4; t++) {
            checkGemm(true, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1, 1f, 0f, 0, 0);
        }
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            checkGemm(true, ta, tb, 67, 45, 29, 3, 0.5f, -1.5f, 0, 0);   // batched, alpha/beta
            checkGemm(true, ta, tb, 100, 132, 40, 2, 1f, 1f, 3, 1);     // padded lds, unaligned: scalar paths
            checkGemm(true, ta, tb, 256, 256, 64, 1, 2f, 0.25f, 4, 0);  // aligned interior: vector paths
        }
    }

    /**
     * K in slices summed by sgemm_splitk_sum: slices that divide K, a shorter last slice (two
     * launches), every transpose, alpha and beta, padded and unaligned operands (padding untouched),
     * one product and a batch of three.
     */
    @Test void sgemmPtxSplitK() {
        int[][] cases = {{70, 50, 1000, 5}, {33, 130, 300, 3}, {130, 20, 517, 4}, {1, 1, 64, 8}, {5, 7, 4, 3}};  // last: one short slice
        for (int[] s : cases) for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            checkGemm(true, s[3], ta, tb, s[0], s[1], s[2], 1, 1f, 0f, 0, 0);
            checkGemm(true, s[3], ta, tb, s[0], s[1], s[2], 1, 0.5f, -1.5f, 3, 1);
            checkGemm(true, s[3], ta, tb, s[0], s[1], s[2], 3, 0.5f, -1.5f, 2, 1);   // a batch: slices are its inner level
        }
    }

    /** When the PTX SGEMM splits K: only products too small to fill the GPU, slices of at least 128. */
    @Test void splitKFillsTheGpuOnlyWhereTilesDoNot() {
        assertEquals(6, splitK(704, 768, 3072, 1, 132));   // 36 tiles: 7 slices fit in 264 blocks, 6 divide K
        assertEquals(2, splitK(704, 2304, 768, 1, 132));   // 108 tiles: 2 slices fit
        assertEquals(1, splitK(704, 3072, 768, 1, 132));   // 144 tiles: enough
        assertEquals(6, splitK(13, 1536, 768, 1, 132));    // limited by K / 128
        assertEquals(5, splitK(128, 640, 1000, 1, 132));   // 7 wanted; 5 divides K in multiples of 8
        assertEquals(7, splitK(128, 640, 1004, 1, 132));   // no divisor near 7: a shorter last slice
        assertEquals(1, splitK(64, 64, 255, 1, 132));      // K too short for two slices
        assertEquals(1, splitK(704, 768, 3072, 1, 2));     // a GPU with 2 SMs is full
        assertEquals(4, splitK(128, 1000, 640, 8, 132));   // a batch of 8 x 8 tiles (TemEnc's conv): 4 slices each
        assertEquals(1, splitK(48, 48, 64, 96, 132));      // attention's batched products: enough blocks, short K
    }

    /** The epilogue's bias: C = op(A) op(B) + bias[j], edge tiles and both column halves of a thread; also split along K. */
    @Test void sgemmPtxWithBias() {
        int[][] sizes = {{1, 1, 1}, {17, 33, 9}, {130, 129, 31}, {5, 260, 64}, {64, 128, 8}, {9, 70, 400}};
        for (int[] s : sizes) for (int t = 0; t < 8; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0, split = (t & 4) != 0;
            int M = s[0], N = s[1], K = s[2];
            if (split && K < 16) continue;
            float[] a = rand(M * K, -1, 1), b = rand(K * N, -1, 1), bias = rand(N, -2, 2);
            DeviceBuffer da = dev(a), db = dev(b), dbias = dev(bias), dc = dev((long) M * N);
            Gemm g = Gemm.of(ta, tb, M, N, K, 1f, 0f);
            DeviceMatrix ma = new DeviceMatrix(da.ptr(), ta ? M : K, 0), mb = new DeviceMatrix(db.ptr(), tb ? K : N, 0),
                    mc = new DeviceMatrix(dc.ptr(), N, 0);
            if (split) sgemmSplitK(g, mc, ma, mb, dbias.ptr(), 3);
            else sgemmPtx(g, mc, ma, mb, dbias.ptr());
            double[] ref = new double[M * N], sc = new double[M * N];
            gemmRef(ta, tb, M, N, K, 1f, a, 0, ta ? M : K, 0, b, 0, tb ? K : N, 0, 0f, new float[M * N], 0, N, M * N, 1, ref, sc);
            for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) { ref[i * N + j] += bias[j]; sc[i * N + j] += Math.abs(bias[j]); }
            close("sgemm + bias" + (split ? " split-K/3 " : " ") + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + M + "x" + N + "x" + K, ref,
                    dc.toFloatArray(), sc);
        }
    }

    /**
     * A batch summed into one C (conv1d's weight gradient over samples): one slice per product or
     * several, a shorter last slice, the slice count the GPU's size gives, every transpose, beta (NaN
     * in C where beta is 0), an empty batch and K = 0 (C = beta C). Fails when a sample or a slice is
     * left out of the sum or C is read with beta 0.
     */
    @Test void sgemmBatchSumAddsEveryProduct() {
        int[][] cases = {{20, 36, 100, 3, 1}, {20, 36, 100, 3, 2}, {33, 17, 77, 4, 3}, {5, 7, 16, 1, 1}, {64, 140, 300, 8, 0},
                {9, 10, 0, 3, 1}, {9, 10, 12, 0, 1}};
        for (int[] s : cases) for (int t = 0; t < 8; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            float beta = (t & 4) != 0 ? -0.5f : 0f;
            int M = s[0], N = s[1], K = s[2], batch = s[3], lda = (ta ? M : K) + 1, ldb = (tb ? K : N) + 1, ldc = N + 2;
            int sA = (ta ? K : M) * lda + 3, sB = (tb ? N : K) * ldb + 5;
            float[] a = rand(Math.max(batch, 1) * sA, -1, 1), b = rand(Math.max(batch, 1) * sB, -1, 1), c = rand(M * ldc, -1, 1);
            if (beta == 0) for (int i = 0; i < c.length; i += 2) c[i] = Float.NaN;
            double[] ref = new double[c.length], sc = new double[c.length];
            for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
                double sum = 0, abs = 0;
                for (int z = 0; z < batch; z++) for (int k = 0; k < K; k++) {
                    double p = (double) (ta ? a[z * sA + k * lda + i] : a[z * sA + i * lda + k])
                            * (tb ? b[z * sB + j * ldb + k] : b[z * sB + k * ldb + j]);
                    sum += p;
                    abs += Math.abs(p);
                }
                int ci = i * ldc + j;
                ref[ci] = 0.75 * sum + (beta == 0 ? 0 : beta * c[ci]);
                sc[ci] = 0.75 * abs + (beta == 0 ? 0 : Math.abs(beta * c[ci]));
            }
            DeviceBuffer da = dev(a), db = dev(b), dc = dev(c);
            Gemm g = new Gemm(new GemmShape(ta, tb, M, N, K, batch), 0.75f, beta);
            DeviceMatrix ma = new DeviceMatrix(da.ptr(), lda, sA), mb = new DeviceMatrix(db.ptr(), ldb, sB),
                    mc = new DeviceMatrix(dc.ptr(), ldc, 0);
            if (s[4] == 0) sgemmBatchSum(g, mc, ma, mb);
            else sgemmBatchSum(g, mc, ma, mb, s[4]);
            float[] got = dc.toFloatArray();
            for (int i = 0; i < M; i++)
                for (int j = N; j < ldc; j++)           // padding columns untouched
                    assertEquals(Float.floatToRawIntBits(c[i * ldc + j]), Float.floatToRawIntBits(got[i * ldc + j]), "padding at row " + i);
            for (int i = 0; i < M; i++) for (int j = N; j < ldc; j++) { ref[i * ldc + j] = 0; got[i * ldc + j] = 0; }
            close("sgemmBatchSum " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + M + "x" + N + "x" + K + " batch " + batch
                    + " slices " + (s[4] == 0 ? "chosen" : s[4]) + " beta " + beta, ref, got, sc);
        }
    }

    @Test void sgemmBroadcastBatchAndDispatch() {
        // strideA = 0 (shared weights), via the dispatching entry point
        int M = 9, N = 20, K = 7, batch = 4;
        float[] a = rand(M * K, -1, 1), b = rand(batch * K * N, -1, 1);
        DeviceBuffer da = dev(a), db = dev(b), dc = dev(batch * M * N);
        sgemm(new Gemm(new GemmShape(false, false, M, N, K, batch), 1f, 0f), new DeviceMatrix(dc.ptr(), N, (long) M * N),
                new DeviceMatrix(da.ptr(), K, 0), new DeviceMatrix(db.ptr(), N, (long) K * N));
        double[] ref = new double[batch * M * N], sc = new double[batch * M * N];
        gemmRef(false, false, M, N, K, 1f, a, 0, K, 0, b, 0, N, K * N, 0f, new float[batch * M * N], 0, N, M * N, batch, ref, sc);
        close("sgemm strideA=0 (" + (usesCublas() ? "cuBLAS" : "PTX") + ")", ref, dc.toFloatArray(), sc);
    }

    @Test void cublasSgemmWhenAvailable() {
        assumeTrue(Cublas.isAvailable(), "cuBLAS unavailable: " + Cublas.unavailableReason());
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            checkGemm(false, ta, tb, 17, 33, 9, 1, 1f, 0f, 0, 0);
            checkGemm(false, ta, tb, 67, 45, 29, 3, 0.5f, -1.5f, 2, 1);
        }
    }
}
