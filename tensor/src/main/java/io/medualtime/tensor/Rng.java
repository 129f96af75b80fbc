package io.medualtime.tensor;

/**
 * Explicit seeded random generator: SplitMix64, the algorithm of {@link java.util.SplittableRandom} (which the
 * JDK specifies), implemented here so that its {@link #state() state} can be saved and restored (a training
 * checkpoint continues with exactly the numbers an uninterrupted run draws). It gives the same numbers as
 * {@code new SplittableRandom(seed)} (tested). Normals use Box-Muller with {@link StrictMath}, so the same seed
 * gives the same numbers on every machine and JVM.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private double spareNormal;
    private boolean hasSpare;

    /**
     * The complete state of a generator.
     *
     * @param seed        the SplitMix64 counter
     * @param hasSpare    whether the second normal of the last Box-Muller pair is still to be returned
     * @param spareNormal that normal
     */
    public record State(long seed, boolean hasSpare, double spareNormal) {}

    public Rng(long seed) { this.seed = seed; }

    /** A generator that continues from {@code state}. */
    public static Rng of(State state) {
        Rng r = new Rng(0);
        r.restore(state);
        return r;
    }

    /** A snapshot of the state: {@link #restore} with it makes the generator repeat what follows. */
    public State state() {
        return new State(seed, hasSpare, spareNormal);
    }

    /** Continues from a {@link #state()} snapshot. */
    public void restore(State state) {
        seed = state.seed();
        hasSpare = state.hasSpare();
        spareNormal = state.spareNormal();
    }

    private long nextSeed() { return seed += GOLDEN_GAMMA; }

    /** Uniform in [0, 1) with 24 random bits (exactly representable as float). */
    public float uniform() {
        return (nextInt() >>> 8) * 0x1.0p-24f;
    }

    private int nextInt() {
        long z = nextSeed();
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    /** Uniform in [0, bound), without bias (rejection, as SplittableRandom). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        int r = nextInt(), m = bound - 1;
        if ((bound & m) == 0) return r & m;
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
            // reject the over-represented tail
        }
        return r;
    }

    public long nextLong() {
        long z = nextSeed();
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Standard normal. */
    public double normal() {
        if (hasSpare) { hasSpare = false; return spareNormal; }
        double u1, u2;
        do { u1 = nextDouble(); } while (u1 <= 0);
        u2 = nextDouble();
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        spareNormal = r * StrictMath.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * StrictMath.cos(2 * Math.PI * u2);
    }

    /** A new independent generator (for parallel streams or per-module seeding). */
    public Rng split() { return new Rng(nextLong()); }
}
