package io.medualtime.train;

import io.medualtime.data.EcgClasses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PerClassCITest {
    static final int[][] M = {{30, 5, 0}, {4, 20, 6}, {0, 10, 25}};

    @Test void estimatesAreTheReportsAndIntervalsHoldThem() {
        PerClassCI ci = PerClassCI.compute(M, 3);
        ClassificationReport r = new ClassificationReport(java.util.List.of("a", "b", "c"), M);
        for (int c = 0; c < 3; c++) {
            assertEquals(r.precision(c), ci.precision().get(c).estimate(), 1e-12);
            assertEquals(r.recall(c), ci.recall().get(c).estimate(), 1e-12);
            assertEquals(r.f1(c), ci.f1().get(c).estimate(), 1e-12);
            for (BootstrapCI.Interval iv : java.util.List.of(ci.precision().get(c), ci.recall().get(c), ci.f1().get(c))) {
                assertTrue(iv.contains(iv.estimate()), iv.toString());
                assertTrue(iv.width() > 0.02 && iv.width() < 0.6, "a 100-sample test set gives intervals of a few tenths: " + iv);
            }
        }
    }

    @Test void aPerfectClassIsCertainAndTheSeedReproduces() {
        int[][] m = {{10, 0}, {3, 7}};
        PerClassCI ci = PerClassCI.compute(m, 5);
        assertEquals(new BootstrapCI.Interval(1, 1, 1), ci.recall().get(0), "class 0 is always recalled");
        assertEquals(new BootstrapCI.Interval(1, 1, 1), ci.precision().get(1), "class 1 is never predicted wrongly");
        assertEquals(ci, PerClassCI.compute(m, 5));
        assertNotEquals(PerClassCI.compute(M, 1), PerClassCI.compute(M, 2));
    }

    @Test void badMatricesAreClearErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PerClassCI.compute(new int[][]{{0, 0}, {0, 0}}, 0)).getMessage()
                .contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PerClassCI.compute(new int[][]{{1, 0}, {0}}, 0)).getMessage()
                .contains("square"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PerClassCI.compute(new int[][]{{1, -1}, {0, 1}}, 0)).getMessage()
                .contains("negative"));
        assertThrows(IllegalArgumentException.class, () -> PerClassCI.compute(M, 0, 0.95, 1));
        assertEquals(EcgClasses.numFine(), PerClassCI.compute(identity(5), 0).f1().size());
    }

    private static int[][] identity(int k) {
        int[][] m = new int[k][k];
        for (int i = 0; i < k; i++) m[i][i] = 2;
        return m;
    }
}
