package io.medualtime.tensor;

/**
 * Counter-based random numbers shared by the CPU and CUDA backends: the value for (seed, index) is a
 * pure function, so any backend reproduces the same dropout mask. The algorithm is SplitMix64 taken
 * at a counter position; kernels/dropout.ptx implements exactly the same integer steps:
 *
 * <pre>
 *   z = seed + (index + 1) * 0x9E3779B97F4A7C15          (mod 2^64)
 *   z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9
 *   z = (z ^ (z >>> 27)) * 0x94D049BB133111EB
 *   z =  z ^ (z >>> 31)
 *   uniform = (z >>> 40) * 2^-24                         (24 bits, exact in float, in [0, 1))
 * </pre>
 *
 * {@code bits(seed, i)} equals the (i+1)-th {@code new java.util.SplittableRandom(seed).nextLong()}.
 */
public final class CounterRng {

    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private CounterRng() {}

    /** 64 random bits for (seed, index). */
    public static long bits(long seed, long index) {
        long z = seed + (index + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A float uniform in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long index) {
        return (bits(seed, index) >>> 40) * 0x1.0p-24f;
    }

    /** The dropout keep decision for element index: kept when uniform &gt;= p. */
    public static boolean keep(long seed, long index, float p) {
        return uniform(seed, index) >= p;
    }

    /** The scale applied to kept elements, 1/(1-p) rounded to float (0 when p &gt;= 1). */
    public static float dropoutScale(float p) {
        return p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
    }

    /** Fills out[i] = uniform(seed, offset + i). */
    public static void fillUniform(float[] out, long seed, long offset) {
        for (int i = 0; i < out.length; i++) out[i] = uniform(seed, offset + i);
    }
}
