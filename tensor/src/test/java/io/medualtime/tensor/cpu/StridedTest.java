package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.View;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Strided.distinct decides whether an accumulating copy may run in parallel: it must never say yes for overlapping views. */
class StridedTest {
    private static boolean distinct(int[] shape, int[] strides) { return Strided.distinct(new View(null, 0, shape, strides)); }

    @Test void denseNarrowedAndTransposedViewsAreDistinct() {
        assertTrue(distinct(new int[]{4, 9}, new int[]{9, 1}));
        assertTrue(distinct(new int[]{4, 3}, new int[]{9, 1}));        // narrow of the last dim
        assertTrue(distinct(new int[]{9, 4}, new int[]{1, 9}));        // transpose
        assertTrue(distinct(new int[]{4, 2}, new int[]{9, 2}));        // slice with step 2
        assertTrue(distinct(new int[]{1, 5}, new int[]{0, 1}));        // a size-1 dim's stride does not matter
    }

    @Test void broadcastAndOverlappingWindowsAreNot() {
        assertFalse(distinct(new int[]{4, 3}, new int[]{0, 1}));       // expand
        assertFalse(distinct(new int[]{4, 3}, new int[]{2, 1}));       // unfold(size 3, step 2): windows overlap
        assertFalse(distinct(new int[]{3, 3}, new int[]{1, 1}));
    }
}
