package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.medualtime.tensor.CounterRng;

/** The backend-neutral counter RNG (Java twin of kernels/dropout.ptx). */
class CounterRngTest {

    @Test void matchesSplittableRandomStream() {
        for (long seed : new long[]{0L, 1L, 42L, -7L, 0x123456789ABCDEFL}) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) assertEquals(r.nextLong(), CounterRng.bits(seed, i), "seed " + seed + " index " + i);
        }
    }

    @Test void deterministicAndSeedSensitive() {
        assertEquals(CounterRng.uniform(5, 17), CounterRng.uniform(5, 17));
        assertNotEquals(CounterRng.uniform(5, 17), CounterRng.uniform(6, 17));
        assertNotEquals(CounterRng.uniform(5, 17), CounterRng.uniform(5, 18));
        // pinned values: the PTX kernel must produce exactly these (checked on GPU by CudaRuntimeTest)
        assertEquals(0x1.0p-24f * (CounterRng.bits(0, 0) >>> 40), CounterRng.uniform(0, 0));
        assertEquals(0xE220A8397B1DCDAFL, CounterRng.bits(0, 0)); // SplitMix64(0) first output
    }

    @Test void uniformMoments() {
        int n = 200_000;
        double s = 0, s2 = 0;
        int below = 0;
        for (int i = 0; i < n; i++) {
            float u = CounterRng.uniform(1234, i);
            assertTrue(u >= 0f && u < 1f, "out of [0,1): " + u);
            s += u;
            s2 += u * u;
            if (u < 0.1f) below++;
        }
        double mean = s / n, var = s2 / n - mean * mean;
        assertEquals(0.5, mean, 0.005, "mean");
        assertEquals(1.0 / 12, var, 0.002, "variance");
        assertEquals(0.1, below / (double) n, 0.005, "P(u < 0.1)");
    }

    @Test void dropoutKeepRate() {
        int n = 100_000, kept = 0;
        for (int i = 0; i < n; i++) if (CounterRng.keep(99, i, 0.3f)) kept++;
        assertEquals(0.7, kept / (double) n, 0.01);
        assertEquals((float) (1 / 0.7), CounterRng.dropoutScale(0.3f));
    }
}
