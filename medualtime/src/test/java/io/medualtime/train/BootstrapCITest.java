package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class BootstrapCITest {

    /** n samples over k classes, each predicted right with probability {@code acc} (else a random other class). */
    static int[][] sample(int n, int k, double acc, long seed) {
        Random rnd = new Random(seed);
        int[] t = new int[n], p = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(k);
            p[i] = rnd.nextDouble() < acc ? t[i] : (t[i] + 1 + rnd.nextInt(k - 1)) % k;
        }
        return new int[][]{t, p};
    }

    @Test void deterministicForASeed() {
        int[][] d = sample(300, 5, 0.7, 1);
        BootstrapCI a = BootstrapCI.compute(d[0], d[1], 5, 7L);
        BootstrapCI b = BootstrapCI.compute(d[0], d[1], 5, 7L);
        assertEquals(a, b);
        BootstrapCI c = BootstrapCI.compute(d[0], d[1], 5, 8L);
        assertNotEquals(a.macroF1(), c.macroF1()); // accuracy quantiles are multiples of 1/n and may coincide
        assertEquals(1000, a.resamples());
        assertEquals(0.95, a.level());
    }

    @Test void containsThePointEstimateAndMatchesTheReport() {
        int[][] d = sample(500, 5, 0.75, 2);
        BootstrapCI ci = BootstrapCI.compute(d[0], d[1], 5, 3L);
        ClassificationReport r = ClassificationReport.of(d[0], d[1], java.util.List.of("a", "b", "c", "d", "e"));
        assertEquals(r.accuracy(), ci.accuracy().estimate(), 1e-12);
        assertEquals(r.macroF1(), ci.macroF1().estimate(), 1e-12);
        assertEquals(r.macroPrecision(), ci.macroPrecision().estimate(), 1e-12);
        assertEquals(r.macroRecall(), ci.macroRecall().estimate(), 1e-12);
        for (BootstrapCI.Interval i : new BootstrapCI.Interval[]{ci.accuracy(), ci.macroF1(), ci.macroPrecision(), ci.macroRecall()}) {
            assertTrue(i.contains(i.estimate()), i.format());
            assertTrue(i.lower() < i.upper(), i.format());
        }
    }

    @Test void shrinksWithNAndHasTheBinomialWidth() {
        int[][] small = sample(200, 4, 0.8, 4);
        int[][] large = sample(3200, 4, 0.8, 5);
        BootstrapCI s = BootstrapCI.compute(small[0], small[1], 4, 1L);
        BootstrapCI l = BootstrapCI.compute(large[0], large[1], 4, 1L);
        assertTrue(l.accuracy().width() < s.accuracy().width() / 2.5, s.accuracy() + " vs " + l.accuracy());
        assertTrue(l.macroF1().width() < s.macroF1().width() / 2.5, s.macroF1() + " vs " + l.macroF1());
        // normal approximation: 2 * 1.96 * sqrt(p (1 - p) / n) ~ 0.0277 at p = 0.8, n = 3200
        assertEquals(0.0277, l.accuracy().width(), 0.006);
    }

    @Test void degenerateAndInvalidInputs() {
        BootstrapCI perfect = BootstrapCI.compute(new int[]{0, 1, 1, 0}, new int[]{0, 1, 1, 0}, 2, 0L);
        assertEquals(1.0, perfect.accuracy().lower());
        assertEquals(1.0, perfect.accuracy().upper());
        assertThrows(IllegalArgumentException.class, () -> BootstrapCI.compute(new int[0], new int[0], 2, 0L));
        assertThrows(IllegalArgumentException.class, () -> BootstrapCI.compute(new int[]{0}, new int[]{0}, 2, 0, 0.95, 0L));
        assertThrows(IllegalArgumentException.class, () -> BootstrapCI.compute(new int[]{0}, new int[]{0}, 2, 10, 1.0, 0L));
        assertThrows(IllegalArgumentException.class, () -> BootstrapCI.compute(new int[]{0}, new int[]{2}, 2, 0L));
    }

    @Test void jsonRoundTrip() {
        int[][] d = sample(100, 3, 0.6, 6);
        BootstrapCI ci = BootstrapCI.compute(d[0], d[1], 3, 200, 0.9, 11L);
        assertEquals(ci, MetricsJson.read(MetricsJson.write(ci), BootstrapCI.class));
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f [%.4f, %.4f]", ci.accuracy().estimate(),
                ci.accuracy().lower(), ci.accuracy().upper()), ci.accuracy().format());
    }
}
