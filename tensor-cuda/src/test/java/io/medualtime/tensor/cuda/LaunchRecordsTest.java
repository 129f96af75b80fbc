package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.GemmShape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The launch records refuse what no driver would run, in one line naming the values; no GPU needed. */
class LaunchRecordsTest {

    @Test void launchShapeNeedsEveryDimension() {
        LaunchShape ok = LaunchShape.of(3, 2, 1, 256);
        assertEquals(new LaunchShape(3, 2, 1, 256, 1, 1, 0), ok);
        assertEquals(new LaunchShape(7, 1, 1, 128, 1, 1, 0), LaunchShape.linear(7, 128));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaunchShape.linear(0, 256));
        assertTrue(e.getMessage().contains("grid (0,1,1) block (256,1,1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LaunchShape(1, 1, 1, 32, 1, 1, -4));
    }

    @Test void gemmVariesItsShape() {
        Gemm g = Gemm.of(true, false, 5, 6, 0, 1f, 0.5f);        // k = 0: C = beta C, allowed
        assertEquals(new Gemm(new GemmShape(true, false, 5, 6, 9, 2), 1f, 1f), g.withK(9).withBatch(2).withBeta(1f));
        assertEquals(5, g.m());
        assertTrue(g.transA());
    }
}
