package io.medualtime.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM kernel on the JDK Vector API. Only loaded when {@link VectorSupport#available()}.
 *
 * <h2>Micro-kernel</h2>
 * A 6 x 4V tile of C (V = lanes per vector: 16 floats with 512-bit AVX-512, so 6 x 64) is held
 * in 24 vector accumulators. Each step p of the k loop loads four vectors of the packed B panel
 * (the 4V values of row p), broadcasts the 6 values of column p of the packed A panel one at a
 * time, and does 24 FMAs: 24 FMAs per 10 loads, using 24 + 4 + 1 = 29 of the 32 vector registers.
 * (Measured against 12x2V, 8x3V, 14x2V and 7x4V tiles: all within a few percent on large
 * products; 6x4V was best on narrow ones such as n = 64.)
 * The loop indexes both panels linearly in p, so C2 hoists all array bounds checks out of it.
 * A full tile that overwrites C (beta 0, first k-slice) is stored from the accumulators straight
 * into C; the others go to a small per-thread tile buffer and are then merged into C (with beta),
 * by vectors for full tiles and element by element for ragged edge tiles.
 * In narrow products ({@link #IN_PLACE_MAX_N}, {@code -Dmedualtime.sgemm.inplacen}) {@link #microRows}
 * reads full panels of a row-major A where it is stored instead of from a packed panel.
 *
 * <h2>Block sizes (chosen per machine by {@link SgemmBlocking}; here for Zen 4: 32 KB L1d, 1 MB L2 per core, shared L3)</h2>
 * The macro-kernel walks the A panels in the outer loop and the B panels in the inner one, so a
 * 6 x KC A panel (9 KB at KC = 384) stays in L1 while it meets every B panel of the packed
 * KC x NC block, which is streamed from L2/L3 (384 x 1536 x 4 B = 2.3 MB: measured as fast as an
 * L2-sized NC = 768 and better on wide products; prefetchers keep up with 4 loads per 24 FMAs).
 * Tuned on a 2-core EPYC (Zen 4); a core with a larger L2 gets L2-sized blocks instead; all three
 * can be overridden with the system properties
 * medualtime.sgemm.kc / .mc / .nc, and -Dmedualtime.sgemm.bits=256 selects 256-bit vectors
 * (same FMA throughput on Zen 4, whose 512-bit units are double-pumped 256-bit ones; measured
 * slightly slower here, but faster on some CPUs that lower their clock for 512-bit code).
 */
final class SgemmVector extends SgemmBlocked {
    static final VectorSpecies<Float> S = Integer.getInteger("medualtime.sgemm.bits", 0) == 256
            ? FloatVector.SPECIES_256
            : FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    static final int MR = 6, NR = 4 * V;

    /** The block sizes chosen for this machine's caches, printed by the benchmarks. */
    static final SgemmBlocking BLOCKING = SgemmBlocking.detect(MR, NR);

    /**
     * Products at most this wide read A in place (see {@link SgemmBlocked#readsAInPlace}): one NR-wide
     * B panel, so a packed A panel would be read just once after its transposing copy (~1.6 cycles
     * a value on Zen 4, 40% of a 256x64x256 product), while {@link #microRows} is ~15% slower per
     * flop than {@link #micro}: measured a win at n = 64, a tie at 128, a loss from 192 on, and 15%
     * slower at 1024x768x768.
     */
    static final int IN_PLACE_MAX_N = SgemmBlocking.override("inplacen", NR);

    SgemmVector() { this(BLOCKING.kc(), BLOCKING.mc(), BLOCKING.nc(), IN_PLACE_MAX_N); }

    /** With explicit block sizes (tests use tiny ones to hit every block edge). */
    SgemmVector(int kc, int mc, int nc) {
        this(kc, mc, nc, IN_PLACE_MAX_N);
    }

    /** With explicit block sizes and in-place width (0: A is always packed). */
    SgemmVector(int kc, int mc, int nc, int inPlaceMaxN) {
        super(MR, NR, kc, mc, nc, inPlaceMaxN);
    }

    @Override String blockingReason() { return BLOCKING.reason(); }

    @Override void macroKernel(ArrayMatrix cm, ArrayMatrix am, Packed p, int mc, int nc, int kc, float beta, boolean overwrite) {
        float[] pa = p.a(), pb = p.b(), tile = p.tile(), c = cm.array();
        int cOff = cm.offset(), ldc = cm.ld();
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            boolean inPlace = am != null && rows == MR;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr), co = cOff + ir * ldc + jr;
                // a full tile that overwrites C goes from the accumulators straight into C
                boolean direct = rows == MR && cols == NR && overwrite;
                float[] out = direct ? c : tile;
                int oo = direct ? co : 0, ldo = direct ? ldc : NR;
                if (inPlace) microRows(out, oo, ldo, am.array(), am.offset() + ir * am.ld(), am.ld(), pb, jr * kc, kc);
                else micro(out, oo, ldo, pa, ir * kc, pb, jr * kc, kc);
                if (direct) continue;
                if (rows == MR && cols == NR) mergeFull(c, co, ldc, tile, beta);
                else mergeTile(c, co, ldc, tile, rows, cols, beta, overwrite);
            }
        }
    }

    /** C[0:MR, 0:NR] (at co) = tile + beta * C, by vectors (an overwritten full tile is stored by the micro-kernel). */
    private static void mergeFull(float[] c, int co, int ldc, float[] tile, float beta) {
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j += V) {
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + j);
                int o = co + r * ldc + j;
                if (beta == 1f) t.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
                else FloatVector.fromArray(S, c, o).fma(FloatVector.broadcast(S, beta), t).intoArray(c, o);
            }
        }
    }

    /** Fused multiply-adds, as the micro-kernel's {@code x.fma(b, c)} (the tail too: Math.fma rounds once). */
    @Override void axpy(float[] acc, int ao, float[] src, int so, int len, float x) {
        FloatVector xv = FloatVector.broadcast(S, x);
        int j = 0, bound = S.loopBound(len);
        for (; j < bound; j += V)
            xv.fma(FloatVector.fromArray(S, src, so + j), FloatVector.fromArray(S, acc, ao + j)).intoArray(acc, ao + j);
        for (; j < len; j++) acc[ao + j] = Math.fma(x, src[so + j], acc[ao + j]);
    }

    /** Vector dot product: one FMA accumulator, lanes summed in order (deterministic in every JIT tier). */
    @Override float dot(float[] x, int xo, float[] y, int yo, int k, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0, bound = S.loopBound(k);
        for (; p < bound; p += V) acc = FloatVector.fromArray(S, x, xo + p).fma(FloatVector.fromArray(S, y, yo + p), acc);
        acc.intoArray(lanes, 0);
        float s = 0f;
        for (int l = 0; l < V; l++) s += lanes[l];
        for (; p < k; p++) s += x[xo + p] * y[yo + p];
        return s;
    }

    /**
     * The register-tiled micro-kernel: acc[r][j] = sum over p of pa[pao + p*MR + r] * pb[pbo + p*NR + j],
     * stored to out[oo + r*ldo + j]: the tile buffer, or C itself when a full tile overwrites it
     * (adding to C here as well doubled the method's bytecode, and C1 then failed to compile it).
     * Written out by hand: accumulators must be local variables for C2 to keep them in registers
     * (an array of vectors would live in memory), and the accumulators are stored here rather than
     * passed to a helper, which C2 might not inline in so large a method (it would then box them).
     */
    // @formatter:off (a hand-unrolled register tile: one line per row of the tile)
    private static void micro(float[] out, int oo, int ldo, float[] pa, int pao, float[] pb, int pbo, int kc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ia = pao + p * MR, ib = pbo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + 1 * V);
            FloatVector b2 = FloatVector.fromArray(S, pb, ib + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, ib + 3 * V);
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43); }
            { FloatVector x = FloatVector.broadcast(S, pa[ia + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53); }
        }
        int o0 = oo, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo, o4 = o3 + ldo, o5 = o4 + ldo;
        c00.intoArray(out, o0 + 0 * V); c01.intoArray(out, o0 + 1 * V); c02.intoArray(out, o0 + 2 * V); c03.intoArray(out, o0 + 3 * V);
        c10.intoArray(out, o1 + 0 * V); c11.intoArray(out, o1 + 1 * V); c12.intoArray(out, o1 + 2 * V); c13.intoArray(out, o1 + 3 * V);
        c20.intoArray(out, o2 + 0 * V); c21.intoArray(out, o2 + 1 * V); c22.intoArray(out, o2 + 2 * V); c23.intoArray(out, o2 + 3 * V);
        c30.intoArray(out, o3 + 0 * V); c31.intoArray(out, o3 + 1 * V); c32.intoArray(out, o3 + 2 * V); c33.intoArray(out, o3 + 3 * V);
        c40.intoArray(out, o4 + 0 * V); c41.intoArray(out, o4 + 1 * V); c42.intoArray(out, o4 + 2 * V); c43.intoArray(out, o4 + 3 * V);
        c50.intoArray(out, o5 + 0 * V); c51.intoArray(out, o5 + 1 * V); c52.intoArray(out, o5 + 2 * V); c53.intoArray(out, o5 + 3 * V);
    }
    /**
     * {@link #micro} reading A where it is stored, row r of the panel at a[ao + r*lda + p]: the same
     * multiply-adds in the same order. A separate method because C2 only hoists array bounds checks
     * out of the loop for constant index scales (p*MR there, p here); a shared generic one was slower.
     */
    private static void microRows(float[] out, int oo, int ldo, float[] a, int ao, int lda, float[] pb, int pbo, int kc) {
        int a0 = ao, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ib = pbo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + 1 * V);
            FloatVector b2 = FloatVector.fromArray(S, pb, ib + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, pb, ib + 3 * V);
            { FloatVector x = FloatVector.broadcast(S, a[a0 + p]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03); }
            { FloatVector x = FloatVector.broadcast(S, a[a1 + p]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13); }
            { FloatVector x = FloatVector.broadcast(S, a[a2 + p]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23); }
            { FloatVector x = FloatVector.broadcast(S, a[a3 + p]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33); }
            { FloatVector x = FloatVector.broadcast(S, a[a4 + p]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43); }
            { FloatVector x = FloatVector.broadcast(S, a[a5 + p]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53); }
        }
        int o0 = oo, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo, o4 = o3 + ldo, o5 = o4 + ldo;
        c00.intoArray(out, o0 + 0 * V); c01.intoArray(out, o0 + 1 * V); c02.intoArray(out, o0 + 2 * V); c03.intoArray(out, o0 + 3 * V);
        c10.intoArray(out, o1 + 0 * V); c11.intoArray(out, o1 + 1 * V); c12.intoArray(out, o1 + 2 * V); c13.intoArray(out, o1 + 3 * V);
        c20.intoArray(out, o2 + 0 * V); c21.intoArray(out, o2 + 1 * V); c22.intoArray(out, o2 + 2 * V); c23.intoArray(out, o2 + 3 * V);
        c30.intoArray(out, o3 + 0 * V); c31.intoArray(out, o3 + 1 * V); c32.intoArray(out, o3 + 2 * V); c33.intoArray(out, o3 + 3 * V);
        c40.intoArray(out, o4 + 0 * V); c41.intoArray(out, o4 + 1 * V); c42.intoArray(out, o4 + 2 * V); c43.intoArray(out, o4 + 3 * V);
        c50.intoArray(out, o5 + 0 * V); c51.intoArray(out, o5 + 1 * V); c52.intoArray(out, o5 + 2 * V); c53.intoArray(out, o5 + 3 * V);
    }
    // @formatter:on
}
