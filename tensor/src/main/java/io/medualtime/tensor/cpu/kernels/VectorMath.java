package io.medualtime.tensor.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and tanh on vectors from exactly specified IEEE operations (mul, add, fma, conversions).
 * The Vector API's own EXP/TANH may use different code in the interpreter and in compiled code,
 * which made results depend on JIT timing; these give the same bits in every tier.
 * exp: Cephes' expf (range reduction by ln 2, degree-6 polynomial), about 1 ulp. Only operations
 * that JDK 17 compiles to vector instructions are used (no float->int conversion).
 */
final class VectorMath {
    private VectorMath() {}

    /** Constant species, not x.species(): C2 intrinsifies a vector op only when it can prove the species constant. */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;

    private static final float LO = -87.33654f, HI = 88.37626f;
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;

    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;

    /** exp(x), about 1 ulp; saturates outside [LO, HI] (2^n stays normal: n in [-126, 127]). */
    static FloatVector exp(FloatVector x) {
        return expOfClamped(x.max(LO).min(HI));
    }

    /**
     * exp(x) for x <= 0 (softmax's and cross-entropy's x - max, x - lse): bitwise {@link #exp} there,
     * without the upper clamp, and the lower one by compare + blend rather than max, whose Java
     * semantics (NaN, -0.0) cost several instructions on x86 (NaN still gives NaN): ~15 % faster.
     * (Not used for tanh: in GELU's loop the blend pushed JDK 17's C2 past its inlining budget and
     * the loop ran the Vector API's boxing fallback, 2.6x slower.)
     */
    static FloatVector expNonPositive(FloatVector x) {
        return expOfClamped(x.blend(LO, x.lt(LO)));
    }

    private static FloatVector expOfClamped(FloatVector x) {
        // n = round(x / ln 2) without float->int conversion (which JDK 17 does not compile to vector code)
        FloatVector t = x.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = FloatVector.broadcast(FS, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(FS, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(FS, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(FS, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(FS, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(FS, 5.0000001201e-1f));
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n: the integer n sits in t's mantissa; move it into the exponent field
        IntVector bits = ((IntVector) t.reinterpretShape(IS, 0)).add(127 - ROUNDER_BITS).lanewise(VectorOperators.LSHL, 23);
        return y.mul((FloatVector) bits.reinterpretShape(FS, 0));
    }

    /**
     * tanh(u) = 1 - 2 / (exp(2u) + 1), saturating cleanly at +-1. Note: inside a model step JDK 17's
     * C2 sometimes compiles this method's vector ops through the Vector API's boxing fallback (JFR
     * allocation profiles: 0 to 1.5 GB of vector boxes per few steps, varying from run to run; not
     * reproduced in isolation). Moving the computation into array loops made it worse, not better.
     */
    static FloatVector tanh(FloatVector u) {
        FloatVector e = exp(u.mul(2f));
        return FloatVector.broadcast(FS, 1f).sub(FloatVector.broadcast(FS, 2f).div(e.add(1f)));
    }
}
