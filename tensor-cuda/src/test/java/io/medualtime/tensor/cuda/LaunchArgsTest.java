package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jcuda.Pointer;

/**
 * {@link LaunchArgs}' argument buffers, read back (no GPU needed: they are plain direct memory; on a
 * GPU every kernel test runs through the configured one). Slots: each value in its own 8-byte slot,
 * one params pointer per argument count. Packed: the values at the offsets of the kernel's parameter
 * block as its PTX declares it (each parameter at a multiple of its size) - checked against sgemm.ptx's
 * own declarations, so a packing that drifts from the kernels fails here.
 */
class LaunchArgsTest {

    @Test void slotsHoldEachValueAndParamsAreReused() {
        LaunchArgs.Slots slots = new LaunchArgs.Slots();
        Pointer first = slots.params("k", new Object[]{0x1234_5678_9abcL, 7, -2.5f});
        assertEquals(0x1234_5678_9abcL, slots.values().getLong(0));
        assertEquals(7, slots.values().getInt(8));
        assertEquals(-2.5f, slots.values().getFloat(16));

        Pointer again = slots.params("k", new Object[]{1L, 2, 3f});
        assertSame(first, again, "the same argument count reuses its params pointer");
        assertEquals(1L, slots.values().getLong(0));
        assertEquals(2, slots.values().getInt(8));
        assertEquals(3f, slots.values().getFloat(16));
        assertNotSame(first, slots.params("k", new Object[]{1L, 2}), "another count, other params");
    }

    @Test void packedFollowsTheKernelsParameterBlock() {
        // sgemm's parameters as its PTX declares them, and arguments of the matching Java types
        Matcher m = Pattern.compile("\\.param\\s+\\.(u64|s64|u32|s32|f32)\\s+p?_?\\w+")
                .matcher(entryHeader(CudaRuntime.ptxSource("sgemm"), "sgemm"));
        List<String> types = new ArrayList<>();
        while (m.find()) types.add(m.group(1));
        assertEquals(21, types.size(), "sgemm's parameters");
        Object[] args = new Object[types.size()];
        for (int i = 0; i < args.length; i++) {
            String t = types.get(i);
            if (t.endsWith("64")) args[i] = 0x1000_0000_0000L + i;
            else if (t.equals("f32")) args[i] = i + 0.5f;
            else args[i] = 100 + i;
        }
        LaunchArgs.Packed packed = new LaunchArgs.Packed();
        Pointer extra = packed.extra("sgemm", args);
        int off = 0;
        for (int i = 0; i < args.length; i++) {
            int size = types.get(i).endsWith("64") ? 8 : 4;
            off = (off + size - 1) / size * size;                       // the PTX ABI: natural alignment
            Object got;
            if (size == 8) got = packed.block().getLong(off);
            else if (types.get(i).equals("f32")) got = packed.block().getFloat(off);
            else got = packed.block().getInt(off);
            assertEquals(args[i], got, "parameter " + i + " (." + types.get(i) + ") at byte " + off);
            off += size;
        }
        assertEquals(off, packed.length(), "the block's length: the end of the last parameter");
        assertSame(extra, packed.extra("sgemm", args), "one extra array, reused");
    }

    @Test void packedGivesUpBeyondTheParameterLimit() {
        Object[] many = new Object[LaunchArgs.Packed.MAX_BYTES / 8 + 1];
        java.util.Arrays.fill(many, 1L);
        assertNull(new LaunchArgs.Packed().extra("k", many), "too large for one parameter block: the caller uses slots");
    }

    @Test void unsupportedArgumentNamesTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LaunchArgs.Slots().params("sgemm", new Object[]{1L, "x"}));
        assertEquals("sgemm: argument 1 has unsupported type x", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LaunchArgs.Packed().extra("sgemm", new Object[]{1.0}));
    }

    @Test void modeComesFromTheProperty() {
        assertEquals(LaunchArgs.Mode.DIRECT, LaunchArgs.configured());   // the default (the suite sets none)
    }

    private static String entryHeader(String ptx, String entry) {
        int at = ptx.indexOf(".visible .entry " + entry + "(");
        return ptx.substring(at, ptx.indexOf(')', at));
    }
}
