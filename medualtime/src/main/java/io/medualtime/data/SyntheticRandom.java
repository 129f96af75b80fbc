package io.medualtime.data;

/**
 * The synthetic data's random numbers: xoshiro256** (Blackman &amp; Vigna), seeded through
 * SplitMix64. Its output is fully specified here, so a seed gives the same numbers on every JVM and
 * machine (no dependence on {@code java.util.Random} implementation details). Gaussians use the
 * Marsaglia polar method with {@link StrictMath#log}; IEEE {@code sqrt} is exact everywhere.
 * Not thread-safe: derive one generator per record with {@link #of(long...)}.
 *
 * <p>Deliberately not {@link io.medualtime.tensor.Rng} (SplitMix64 with a checkpointable state, for weights and
 * dropout): these numbers define the synthetic dataset ({@link SyntheticEcg#VERSION}) and come as independent
 * streams keyed by (seed, split, record). Two classes, so that neither can change the other's numbers.
 */
public final class SyntheticRandom {
    private long s0, s1, s2, s3;
    private double spare;
    private boolean hasSpare;

    public SyntheticRandom(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
        if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    }

    /** A generator for a tuple of keys (e.g. seed, split, record index): independent streams per tuple. */
    public static SyntheticRandom of(long... keys) {
        long h = 0x243F6A8885A308D3L;
        for (long k : keys) h = mix(h ^ mix(k + 0x9E3779B97F4A7C15L));
        return new SyntheticRandom(h);
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [a, b). */
    public double uniform(double a, double b) {
        return a + (b - a) * nextDouble();
    }

    /** Uniform int in [0, bound), unbiased. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0");
        long limit = (Long.MAX_VALUE / bound) * bound;
        long r;
        do r = nextLong() >>> 1; while (r >= limit);
        return (int) (r % bound);
    }

    /** True with probability p. */
    public boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal. */
    public double gaussian() {
        if (hasSpare) { hasSpare = false; return spare; }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    public double normal(double mean, double sd) {
        return mean + sd * gaussian();
    }

    /** Normal clipped to [lo, hi]. */
    public double normal(double mean, double sd, double lo, double hi) {
        return Math.max(lo, Math.min(hi, normal(mean, sd)));
    }

    /** exp(N(0, sd)) : a multiplicative factor around 1. */
    public double logNormal(double sd) {
        return StrictMath.exp(sd * gaussian());
    }

    @SafeVarargs public final <T> T pick(T... options) {
        return options[nextInt(options.length)];
    }

    /** Index drawn with probability proportional to the weights. */
    public int pickWeighted(double... w) {
        double sum = 0;
        for (double x : w) sum += x;
        double r = nextDouble() * sum;
        for (int i = 0; i < w.length; i++) {
            r -= w[i];
            if (r < 0) return i;
        }
        return w.length - 1;
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
