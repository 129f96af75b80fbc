package io.medualtime.tensor;

/**
 * Counter-based random numbers: the value for (seed, index) is a pure function, so any backend
 * (a Java loop, a CUDA thread per element) draws the same numbers without sharing state.
 * SplitMix64's finaliser over seed + index * golden-ratio constant; the top 24 bits give a
 * uniform float in [0, 1).
 */
public final class CounterRng {
    private CounterRng() {}

    public static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), exactly representable as a float. */
    public static float uniform(long seed, long index) {
        return (mix(seed, index) >>> 40) * 0x1.0p-24f;
    }
}
