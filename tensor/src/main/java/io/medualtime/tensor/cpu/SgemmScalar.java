package io.medualtime.tensor.cpu;

/**
 * Scalar SGEMM kernel, used when the Vector API is not available. Same blocking and packing as
 * the vector kernel (see {@link SgemmBlocked}); the micro-kernel keeps a 4 x 4 tile of C in 16
 * local variables (registers) and does 16 multiply-adds per 8 loads from the packed panels.
 */
final class SgemmScalar extends SgemmBlocked {
    static final int MR = 4, NR = 4;

    SgemmScalar() { this(256, 128, 2048); }

    /** With explicit block sizes (tests use tiny ones to hit every block edge). */
    SgemmScalar(int kc, int mc, int nc) {
        super(MR, NR, kc, mc, nc, 0);
    }

    /** Never reads A in place (inPlaceMaxN 0): {@code am} is null. */
    @Override void macroKernel(ArrayMatrix cm, ArrayMatrix am, Packed p, int mc, int nc, int kc, float beta, boolean overwrite) {
        float[] pa = p.a(), pb = p.b(), tile = p.tile(), c = cm.array();
        int cOff = cm.offset(), ldc = cm.ld();
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                micro(tile, pa, ir * kc, pb, jr * kc, kc);
                mergeTile(c, cOff + ir * ldc + jr, ldc, tile, rows, cols, beta, overwrite);
            }
        }
    }

    /** tile[r*NR + j] = sum_p pa[pao + p*MR + r] * pb[pbo + p*NR + j]. */
    // @formatter:off (a hand-unrolled register tile: one line per row of the tile)
    private static void micro(float[] tile, float[] pa, int pao, float[] pb, int pbo, int kc) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int ia = pao + p * MR, ib = pbo + p * NR;
            float b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
            float a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    }
    // @formatter:on
}
