package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** K-shot draws: nested across K as the official code draws them, or independent per K (the default). */
class KShotDrawsTest {
    static final int CLASSES = 3;
    static final int[] POOL = new int[90], LABELS = new int[90];

    static {
        for (int i = 0; i < POOL.length; i++) {
            POOL[i] = 1000 + i;
            LABELS[i] = i % CLASSES;
        }
    }

    static Set<Integer> set(int[] a) { return Arrays.stream(a).boxed().collect(Collectors.toSet()); }

    static int[] draw(TransferTrainer.Draws d, int k, int draw) { return d.sample(POOL, LABELS, CLASSES, k, 7, draw); }

    @Test void nestedDrawsContainTheSmallerKInTheLarger() {
        TransferTrainer.Draws nested = new TransferTrainer.Draws(true, 2);
        for (int draw = 0; draw < 2; draw++) {
            int[] k5 = draw(nested, 5, draw), k10 = draw(nested, 10, draw), k20 = draw(nested, 20, draw);
            assertEquals(15, k5.length);
            assertTrue(set(k10).containsAll(set(k5)), "draw " + draw);
            assertTrue(set(k20).containsAll(set(k10)), "draw " + draw);
            for (int c = 0; c < CLASSES; c++) {
                final int cc = c;
                assertEquals(5, Arrays.stream(k5).filter(r -> LABELS[r - 1000] == cc).count());
            }
        }
        assertNotEquals(set(draw(nested, 5, 0)), set(draw(nested, 5, 1)), "a second draw draws other records");
        // the official seeds: class c from base 42 + c, independent of --seed
        assertArrayEquals(draw(nested, 5, 0), LinearProbe.sampleNested(POOL, LABELS, CLASSES, 5, 42));
    }

    @Test void independentDrawsAreNotNestedAndStayTheOldDraw() {
        TransferTrainer.Draws independent = TransferTrainer.Draws.DEFAULT;
        assertFalse(set(draw(independent, 10, 0)).containsAll(set(draw(independent, 5, 0))));
        // the first draw is what the transfer protocol drew before draws were an option
        assertArrayEquals(LinearProbe.sampleK(POOL, LABELS, CLASSES, 5, new io.medualtime.tensor.Rng(7 * 1000003L + 5)),
                draw(independent, 5, 0));
    }

    @Test void drawCountIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TransferTrainer.Draws(true, 0));
        assertEquals("--draws must be >= 1, got 0", e.getMessage());
    }
}
