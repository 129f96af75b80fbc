package io.medualtime.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.medualtime.tensor.backend.GemmShape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel's shortcuts give bitwise the result of the plain packed path: reading A in place
 * (unpacked) and storing full overwritten tiles straight from the accumulators into C.
 */
class SgemmInPlaceTest {
    /** {m, n, k}: m not a multiple of 6, n not of 64, k below, at and above the block depth. */
    private static final int[][] SHAPES = {{6, 64, 64}, {13, 100, 5}, {61, 63, 300}, {37, 130, 400}, {256, 64, 256}, {50, 1, 9}};

    /** Block sizes: production-like, and tiny ones that put every edge inside a product. */
    private static final int[][] BLOCKS = {{384, 480, 1536}, {7, 2 * SgemmVector.MR, 2 * SgemmVector.NR}};

    @Test void readingAInPlaceMatchesPackingBitForBit() {
        assumeTrue(VectorSupport.available(), "Vector API not available");
        Random r = new Random(17);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {1f, 0.5f}, {0.5f, 0f}};
        for (int[] bl : BLOCKS) {
            SgemmVector packed = new SgemmVector(bl[0], bl[1], bl[2], 0), inPlace = new SgemmVector(bl[0], bl[1], bl[2], Integer.MAX_VALUE);
            for (int[] sh : SHAPES)
                for (float[] ab : alphaBeta)
                    for (boolean tb : new boolean[]{false, true}) {
                        SgemmTest.Case cs = new SgemmTest.Case(r, false, tb, sh[0], sh[1], sh[2], ab[0], ab[1], true);
                        String what = "kc=" + bl[0] + " " + cs;
                        assertEquals(ab[0] == 1f, inPlace.readsAInPlace(ArrayMatrix.of(cs.a, 0, cs.lda), cs.shape(), ab[0]), what);
                        float[] want = cs.c0.clone(), got = cs.c0.clone();
                        packed.run(ArrayMatrix.of(want, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda),
                                ArrayMatrix.of(cs.b, cs.bOff, cs.ldb), cs.shape(), cs.alpha, cs.beta);
                        inPlace.run(ArrayMatrix.of(got, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda),
                                ArrayMatrix.of(cs.b, cs.bOff, cs.ldb), cs.shape(), cs.alpha, cs.beta);
                        cs.check(want, "packed " + what);
                        assertArrayEquals(want, got, "in place differs from packed: " + what);
                    }
        }
    }

    /** A batch of strided matrices, A offset into a larger array, through the public path's batch split. */
    @Test void batchedInPlaceMatchesPacking() {
        assumeTrue(VectorSupport.available(), "Vector API not available");
        Random r = new Random(19);
        int m = 44, n = 70, k = 33, batch = 5, lda = k + 3, sa = m * lda + 7, off = 2;
        float[] a = SgemmTest.rand(r, off + batch * sa, 0f), b = SgemmTest.rand(r, batch * k * n, 0f);
        float[] c0 = SgemmTest.rand(r, batch * m * n, 0f);
        GemmShape shape = new GemmShape(false, false, m, n, k, batch);
        for (float beta : new float[]{0f, 1f, 0.5f}) {
            float[] want = c0.clone(), got = c0.clone();
            for (SgemmVector kernel : new SgemmVector[]{new SgemmVector(384, 480, 1536, 0), new SgemmVector(384, 480, 1536, n)})
                Sgemm.run(kernel, ArrayMatrix.batched(kernel.inPlaceMaxN == 0 ? want : got, 0, n, m * n),
                        ArrayMatrix.batched(a, off, lda, sa),
                        ArrayMatrix.batched(b, 0, n, k * n), shape, Parallel.threads(), 1f, beta);
            assertArrayEquals(want, got, "beta " + beta);
        }
    }

    /** Overwriting C (full tiles stored from the accumulators) gives what adding to zeros gives (merged from the tile buffer). */
    @Test void directTileStoreMatchesTheMergedTile() {
        Random r = new Random(23);
        for (SgemmBlocked kernel : SgemmTest.kernels())
            for (int[] sh : SHAPES)
                for (boolean ta : new boolean[]{false, true}) {
                    SgemmTest.Case cs = new SgemmTest.Case(r, ta, false, sh[0], sh[1], sh[2], 1f, 0f, true);
                    float[] stored = cs.c0.clone(), added = cs.c0.clone();
                    for (int i = 0; i < cs.m; i++) java.util.Arrays.fill(added, cs.cOff + i * cs.ldc, cs.cOff + i * cs.ldc + cs.n, 0f);
                    kernel.run(ArrayMatrix.of(stored, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda),
                            ArrayMatrix.of(cs.b, cs.bOff, cs.ldb),
                            cs.shape(), 1f, 0f);
                    kernel.run(ArrayMatrix.of(added, cs.cOff, cs.ldc), ArrayMatrix.of(cs.a, cs.aOff, cs.lda),
                            ArrayMatrix.of(cs.b, cs.bOff, cs.ldb),
                            cs.shape(), 1f, 1f);
                    cs.check(stored, kernel.getClass().getSimpleName() + " " + cs);
                    assertArrayEquals(added, stored, kernel.getClass().getSimpleName() + " kc=" + kernel.kcMax + " " + cs);
                }
    }
}
