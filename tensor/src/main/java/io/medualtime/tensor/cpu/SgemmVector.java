package io.medualtime.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM kernel on the JDK Vector API. Only loaded when {@link VectorSupport#available()}.
 *
 * <h2>Micro-kernel</h2>
 * A 12 x 2V tile of C (V = lanes per vector: 16 floats with 512-bit AVX-512, so 12 x 32) is held
 * in 24 vector accumulators. Each step p of the k loop loads two vectors of the packed B panel
 * (the 2V values of row p), broadcasts the 12 values of column p of the packed A panel one at a
 * time, and does 24 FMAs: 24 FMAs per 14 loads, and 24 + 2 + 1 = 27 of the 32 vector registers.
 * The loop indexes both panels linearly in p, so C2 hoists all array bounds checks out of it.
 * Accumulators go to a small per-thread tile buffer and are then merged into C (with beta), by
 * vectors for full tiles and element by element for ragged edge tiles.
 *
 * <h2>Block sizes (Zen 4: 32 KB L1d, 1 MB L2 per core, shared L3)</h2>
 * The macro-kernel walks the A panels in the outer loop and the B panels in the inner one, so a
 * 12 x KC A panel (12 KB at KC = 256) stays in L1 while it meets every B panel, and the packed
 * KC x NC B block (256 x 768 x 4 B = 768 KB) stays in L2 and is reused by every A panel of the MC
 * block. Measured on a 2-core EPYC (Zen 4); all three can be overridden with the system properties
 * medualtime.sgemm.kc / .mc / .nc, and -Dmedualtime.sgemm.bits=256 selects 256-bit vectors
 * (same FMA throughput on Zen 4, whose 512-bit units are double-pumped 256-bit ones; measured
 * slightly slower here, but faster on some CPUs that lower their clock for 512-bit code).
 */
final class SgemmVector extends SgemmBlocked {
    static final VectorSpecies<Float> S = Integer.getInteger("medualtime.sgemm.bits", 0) == 256
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    static final int MR = 12, NR = 2 * V;

    SgemmVector() {
        this(Integer.getInteger("medualtime.sgemm.kc", 256), Integer.getInteger("medualtime.sgemm.mc", 480),
             Integer.getInteger("medualtime.sgemm.nc", 768));
    }

    /** With explicit block sizes (tests use tiny ones to hit every block edge). */
    SgemmVector(int kc, int mc, int nc) { super(MR, NR, kc, mc, nc); }

    @Override
    void macroKernel(int mc, int nc, int kc, float[] pa, float[] pb,
                     float beta, boolean overwrite, float[] c, int cOff, int ldc, float[] tile) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr), co = cOff + ir * ldc + jr;
                micro(kc, pa, ir * kc, pb, jr * kc, tile);
                if (rows == MR && cols == NR) mergeFull(tile, beta, overwrite, c, co, ldc);
                else mergeTile(tile, rows, cols, beta, overwrite, c, co, ldc);
            }
        }
    }

    /** C[0:MR, 0:NR] (at co) = tile + beta * C, by vectors; C is not read when overwrite. */
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

    /**
     * The register-tiled micro-kernel: tile[r*NR + j] = sum over p of pa[pao + p*MR + r] * pb[pbo + p*NR + j].
     * Written out by hand: accumulators must be local variables for C2 to keep them in registers
     * (an array of vectors would live in memory), and the accumulators are stored here rather than
     * passed to a helper, which C2 might not inline in so large a method (it would then box them).
     */
    private static void micro(int kc, float[] pa, int pao, float[] pb, int pbo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = pao + p * MR, ib = pbo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + 1 * V);
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 8]); c80 = x.fma(b0, c80); c81 = x.fma(b1, c81); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 9]); c90 = x.fma(b0, c90); c91 = x.fma(b1, c91); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 10]); c100 = x.fma(b0, c100); c101 = x.fma(b1, c101); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 11]); c110 = x.fma(b0, c110); c111 = x.fma(b1, c111); }
        }
        c00.intoArray(tile, 0 * V); c01.intoArray(tile, 1 * V);
        c10.intoArray(tile, 2 * V); c11.intoArray(tile, 3 * V);
        c20.intoArray(tile, 4 * V); c21.intoArray(tile, 5 * V);
        c30.intoArray(tile, 6 * V); c31.intoArray(tile, 7 * V);
        c40.intoArray(tile, 8 * V); c41.intoArray(tile, 9 * V);
        c50.intoArray(tile, 10 * V); c51.intoArray(tile, 11 * V);
        c60.intoArray(tile, 12 * V); c61.intoArray(tile, 13 * V);
        c70.intoArray(tile, 14 * V); c71.intoArray(tile, 15 * V);
        c80.intoArray(tile, 16 * V); c81.intoArray(tile, 17 * V);
        c90.intoArray(tile, 18 * V); c91.intoArray(tile, 19 * V);
        c100.intoArray(tile, 20 * V); c101.intoArray(tile, 21 * V);
        c110.intoArray(tile, 22 * V); c111.intoArray(tile, 23 * V);
    }
}

