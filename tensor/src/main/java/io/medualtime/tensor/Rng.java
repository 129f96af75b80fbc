package io.medualtime.tensor;

import java.util.SplittableRandom;

/**
 * Explicit seeded random generator. {@link SplittableRandom}'s algorithm is specified by the JDK
 * and normals use Box-Muller with {@link StrictMath}, so the same seed gives the same numbers on
 * every machine and JVM.
 */
public final class Rng {
    private final SplittableRandom random;
    private double spareNormal;
    private boolean hasSpare;

    public Rng(long seed) { random = new SplittableRandom(seed); }

    /** Uniform in [0, 1) with 24 random bits (exactly representable as float). */
    public float uniform() { return (random.nextInt() >>> 8) * 0x1.0p-24f; }

    public int nextInt(int bound) { return random.nextInt(bound); }

    public long nextLong() { return random.nextLong(); }

    /** Standard normal. */
    public double normal() {
        if (hasSpare) { hasSpare = false; return spareNormal; }
        double u1, u2;
        do { u1 = random.nextDouble(); } while (u1 <= 0);
        u2 = random.nextDouble();
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        spareNormal = r * StrictMath.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * StrictMath.cos(2 * Math.PI * u2);
    }

    /** A new independent generator (for parallel streams or per-module seeding). */
    public Rng split() { return new Rng(random.nextLong()); }
}
