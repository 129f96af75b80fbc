package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import jcuda.Pointer;

/**
 * JCudaDriverApi's reused argument slots (the default; {@code -Dmedualtime.cuda.launchargs=arrays} is
 * the old path): each value in its own 8-byte slot in launch order, in the width the kernel reads; one
 * params pointer per argument count, made once. Needs no GPU (the slots are plain direct memory); on a
 * GPU every kernel test runs through them.
 */
class LaunchArgsTest {

    @Test void valuesLandInTheirSlotsAndParamsAreReused() {
        JCudaDriverApi.ArgSlots slots = new JCudaDriverApi.ArgSlots();
        Pointer first = slots.params("k", new Object[] {0x1234_5678_9abcL, 7, -2.5f});
        assertEquals(0x1234_5678_9abcL, slots.values().getLong(0));
        assertEquals(7, slots.values().getInt(8));
        assertEquals(-2.5f, slots.values().getFloat(16));

        Pointer again = slots.params("k", new Object[] {1L, 2, 3f});
        assertSame(first, again, "the same argument count reuses its params pointer");
        assertEquals(1L, slots.values().getLong(0));
        assertEquals(2, slots.values().getInt(8));
        assertEquals(3f, slots.values().getFloat(16));
        assertNotSame(first, slots.params("k", new Object[] {1L, 2}), "another count, other params");
    }

    @Test void unsupportedArgumentNamesTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new JCudaDriverApi.ArgSlots().params("sgemm", new Object[] {1L, "x"}));
        assertEquals("sgemm: argument 1 has unsupported type x", e.getMessage());
    }
}
