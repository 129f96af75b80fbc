package io.medualtime.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.medualtime.tensor.Device;
import org.junit.jupiter.api.Test;

/** The backend boundary's records validate what is cheap to validate, and every primitive takes its outputs first. */
class BoundaryRecordsTest {
    private final Backend be = Backends.get(Device.CPU);

    private static void rejects(String expected, Runnable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test void recordsRejectImpossibleOperands() {
        Storage s = be.allocate(4);
        rejects("needs a storage", () -> new Span(null, 0));
        rejects("offset must be >= 0, got -1", () -> new Span(s, -1));
        rejects("ld -2", () -> new Matrix(s, 0, -2, 0));
        rejects("needs a storage", () -> Matrix.of(null, 0, 1));
        rejects("k -1", () -> new GemmShape(false, false, 1, 1, -1, 1));
        rejects("tokens -3", () -> new AttentionDims(1, 1, -3, 4, 1f));
        rejects("[2, -1, 3]", () -> new ChannelShape(2, -1, 3));
        rejects("mean and rstd", () -> new NormStats(s, null));
        rejects("targets are null", () -> new Targets(null, -100));
        rejects("count must be >= 0", () -> new FusedGatedPrefixAttention.Tokens(Span.of(s), Span.of(s), -1, 0, 0, 0));
    }

    @Test void matrixShiftKeepsLayout() {
        Matrix m = new Matrix(be.allocate(1), 3, 7, 21).shift(42);
        assertEquals(45, m.offset());
        assertEquals(7, m.ld());
        assertEquals(21, m.batchStride());
        assertEquals(0, m.withBatchStride(0).batchStride());
        assertEquals(new GemmShape(true, false, 2, 3, 9, 4), GemmShape.of(true, false, 2, 3, 5).with(9, 4));
    }

    @Test void outputsComeFirst() {
        Storage x = be.fromHost(new float[]{1, 2, 3, 4}), out = be.allocate(4);
        be.unary(UnaryOp.MUL_SCALAR, Span.of(out), new Span(x, 1), 3, 10f);
        assertArrayEquals(new float[]{20, 30, 40, 0}, be.toHost(Span.of(out), 4));
        assertArrayEquals(new float[]{1, 2, 3, 4}, be.toHost(Span.of(x), 4));

        Storage dst = be.allocate(4);
        be.copy(new View(dst, 0, new int[]{2, 2}, new int[]{1, 2}), new View(x, 0, new int[]{2, 2}, new int[]{2, 1}), false);
        assertArrayEquals(new float[]{1, 3, 2, 4}, be.toHost(Span.of(dst), 4));     // dst = x^T

        be.fill(new Span(dst, 2), 2, 9f);
        assertArrayEquals(new float[]{1, 3, 9, 9}, be.toHost(Span.of(dst), 4));

        Storage sum = be.allocate(2);
        be.reduce(ReduceOp.SUM, Span.of(sum), Span.of(x), 2, 2, 1);
        assertArrayEquals(new float[]{3, 7}, be.toHost(Span.of(sum), 2));
    }

    /** The composed fallback of GemmBatchSum: C = beta C + sum_z A_z B_z, and an empty batch leaves beta C. */
    @Test void oneByOneSumsTheBatchIntoOneResult() {
        // A_z [1, 2], B_z [2, 1]: A = {1, 2 | 3, 4 | 5, 6}, B = {1, 1 | 2, 2 | 3, 3}
        Storage a = be.fromHost(new float[]{1, 2, 3, 4, 5, 6}), b = be.fromHost(new float[]{1, 1, 2, 2, 3, 3});
        Storage c = be.fromHost(new float[]{10});
        GemmShape shape = new GemmShape(false, false, 1, 1, 2, 3);
        GemmBatchSum.oneByOne(be, Matrix.of(c, 0, 1), new Matrix(a, 0, 2, 2), new Matrix(b, 0, 1, 2), shape, 2f, 0.5f);
        // 0.5 * 10 + 2 * (3 + 14 + 33)
        assertArrayEquals(new float[]{105}, be.toHost(Span.of(c), 1));
        GemmBatchSum.oneByOne(be, Matrix.of(c, 0, 1), new Matrix(a, 0, 2, 2), new Matrix(b, 0, 1, 2), shape.with(2, 0), 2f, 0.5f);
        assertArrayEquals(new float[]{52.5f}, be.toHost(Span.of(c), 1));
    }
}
