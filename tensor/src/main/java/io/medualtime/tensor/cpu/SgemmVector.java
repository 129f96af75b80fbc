package io.medualtime.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API SGEMM kernel (generated variant MR=8 NV=3). */
final class SgemmVector extends SgemmBlocked {
    static final VectorSpecies<Float> S = Integer.getInteger("medualtime.sgemm.bits", 0) == 256
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    static final int MR = 8, NR = 3 * V;

    SgemmVector() {
        this(Integer.getInteger("medualtime.sgemm.kc", 384),
              Integer.getInteger("medualtime.sgemm.mc", 480), Integer.getInteger("medualtime.sgemm.nc", 4096));
    }

    SgemmVector(int kc, int mc, int nc) { super(MR, NR, kc, mc, nc); }

    @Override
    void macroKernel(int mc, int nc, int kc, float[] pa, float[] pb,
                     float beta, boolean overwrite, float[] c, int cOff, int ldc, float[] tile) {
        if ("ir".equals("jr")) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                tileAt(kc, pa, ir * kc, pb, jr * kc, rows, cols, beta, overwrite, c, cOff + ir * ldc + jr, ldc, tile);
            }
        }
        } else {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                tileAt(kc, pa, ir * kc, pb, jr * kc, rows, cols, beta, overwrite, c, cOff + ir * ldc + jr, ldc, tile);
            }
        }
        }
    }

    private void tileAt(int kc, float[] pa, int pao, float[] pb, int pbo, int rows, int cols,
                        float beta, boolean overwrite, float[] c, int co, int ldc, float[] tile) {
        micro(kc, pa, pao, pb, pbo, tile);
        if (rows == MR && cols == NR) mergeFull(tile, beta, overwrite, c, co, ldc);
        else mergeTile(tile, rows, cols, beta, overwrite, c, co, ldc);
    }

    /** C[0:MR, 0:NR] (at co) = tile + beta * C, with vectors. */
    private static void mergeFull(float[] tile, float beta, boolean overwrite, float[] c, int co, int ldc) {
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j += V) {
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + j);
                int o = co + r * ldc + j;
                if (overwrite) t.intoArray(c, o);
                else if (beta == 1f) t.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
                else FloatVector.fromArray(S, c, o).fma(FloatVector.broadcast(S, beta), t).intoArray(c, o);
            }
        }
    }

    /** The register-tiled micro-kernel: acc[MR x NR] = sum_p pa[p*MR + r] * pb[p*NR + j], then merged into C. */
    private static void micro(int kc, float[] pa, int pao, float[] pb, int pbo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = pao + p * MR, ib = pbo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + 1 * V);
            FloatVector b2 = FloatVector.fromArray(S, pb, ib + 2 * V);
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72); }
        }
        c00.intoArray(tile, 0 * V); c01.intoArray(tile, 1 * V); c02.intoArray(tile, 2 * V);
        c10.intoArray(tile, 3 * V); c11.intoArray(tile, 4 * V); c12.intoArray(tile, 5 * V);
        c20.intoArray(tile, 6 * V); c21.intoArray(tile, 7 * V); c22.intoArray(tile, 8 * V);
        c30.intoArray(tile, 9 * V); c31.intoArray(tile, 10 * V); c32.intoArray(tile, 11 * V);
        c40.intoArray(tile, 12 * V); c41.intoArray(tile, 13 * V); c42.intoArray(tile, 14 * V);
        c50.intoArray(tile, 15 * V); c51.intoArray(tile, 16 * V); c52.intoArray(tile, 17 * V);
        c60.intoArray(tile, 18 * V); c61.intoArray(tile, 19 * V); c62.intoArray(tile, 20 * V);
        c70.intoArray(tile, 21 * V); c71.intoArray(tile, 22 * V); c72.intoArray(tile, 23 * V);
    }
}

