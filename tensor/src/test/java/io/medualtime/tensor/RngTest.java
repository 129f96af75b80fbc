package io.medualtime.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class RngTest {
    /** The numbers of the JDK's SplittableRandom, which Rng used before it kept its own state: seeds stay valid. */
    @Test void drawsWhatSplittableRandomDraws() {
        for (long seed : new long[]{0, 1, -7, 0x5EEDL, Long.MAX_VALUE}) {
            Rng r = new Rng(seed);
            SplittableRandom j = new SplittableRandom(seed);
            for (int i = 0; i < 2000; i++) {
                switch (i % 5) {
                    case 0 -> assertEquals(j.nextLong(), r.nextLong());
                    case 1 -> assertEquals(j.nextInt(1 + i), r.nextInt(1 + i));           // includes powers of two
                    case 2 -> assertEquals(j.nextInt(Integer.MAX_VALUE - i), r.nextInt(Integer.MAX_VALUE - i)); // rejections
                    case 3 -> assertEquals((j.nextInt() >>> 8) * 0x1.0p-24f, r.uniform());
                    default -> {
                        Rng a = r.split();
                        SplittableRandom b = new SplittableRandom(j.nextLong());
                        assertEquals(b.nextLong(), a.nextLong());
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Rng(0).nextInt(0));
    }

    @Test void aRestoredStateRepeatsTheSequenceIncludingTheSpareNormal() {
        Rng r = new Rng(42);
        r.normal();                      // leaves the pair's second normal pending
        Rng.State s = r.state();
        assertTrue(s.hasSpare());
        double[] want = {r.normal(), r.normal(), r.nextLong(), r.uniform(), r.nextInt(7)};
        Rng back = Rng.of(s);
        double[] got = {back.normal(), back.normal(), back.nextLong(), back.uniform(), back.nextInt(7)};
        assertArrayEquals(want, got);
        r.restore(s);
        assertEquals(want[0], r.normal());
    }
}
