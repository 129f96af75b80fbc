package io.medualtime.tensor.io;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.MappedStorage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.*;

/** FiniteCheck finds the first NaN or infinity wherever it is: in a vector block, in the tail, in a view, in mapped storage. */
class FiniteCheckTest {

    static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i % 7) - 3.5f;
        return a;
    }

    @Test void findsTheFirstBadValueAnywhere() {
        int n = 5000;   // several vector blocks and a tail
        assertEquals(-1, FiniteCheck.firstNonFinite(ramp(n), 0, n));
        for (int at : new int[]{0, 1, 1023, 1024, 2500, 4095, 4096, 4999}) {
            for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] a = ramp(n);
                a[at] = bad;
                if (at + 3 < n) a[at + 3] = Float.NaN;   // a later one does not hide the first
                assertEquals(at, FiniteCheck.firstNonFinite(a, 0, n), "bad " + bad + " at " + at);
                assertEquals(-1, FiniteCheck.firstNonFinite(a, 0, at), "the range ends before it");
            }
        }
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f};
        assertEquals(-1, FiniteCheck.firstNonFinite(extremes, 0, extremes.length));
    }

    @Test void requireFiniteNamesWhatTheIndexAndTheValue() {
        float[] a = ramp(3000);
        a[2048] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FiniteCheck.requireFinite("weights.bin: tensor 'w'", a));
        assertEquals("weights.bin: tensor 'w' holds a non-finite value: element 2048 is NaN", e.getMessage());
        FiniteCheck.requireFinite("fine", ramp(3000));
    }

    @Test void tensorsAreCheckedInTheirOwnElementOrder() {
        float[] a = ramp(40 * 60);
        a[5 * 60 + 7] = Float.NEGATIVE_INFINITY;               // row 5, column 7 of a [40, 60] matrix
        Tensor m = Tensor.of(a, 40, 60);
        assertEquals(5 * 60 + 7, FiniteCheck.firstNonFinite(m));
        assertEquals(7 * 40 + 5, FiniteCheck.firstNonFinite(m.transpose(0, 1)), "row-major index of the transposed view");
        assertEquals(-1, FiniteCheck.firstNonFinite(m.narrow(0, 6, 30)), "a view that leaves it out");
        assertEquals(7, FiniteCheck.firstNonFinite(m.narrow(0, 5, 2)), "a view with an offset");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FiniteCheck.requireFinite("logits", m.transpose(0, 1)));
        assertEquals("logits holds a non-finite value: element 285 is -Infinity", e.getMessage());
    }

    @Test void mappedStorageIsReadInChunks() {
        int n = 200_000;   // more than one host chunk
        FloatBuffer fb = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < n; i++) fb.put(i, i * 1e-3f);
        Tensor mapped = Tensor.mapped(new MappedStorage(fb), 400, 500);
        assertEquals(-1, FiniteCheck.firstNonFinite(mapped));
        fb.put(150_001, Float.POSITIVE_INFINITY);
        assertEquals(150_001, FiniteCheck.firstNonFinite(mapped));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FiniteCheck.requireFinite("wte", mapped));
        assertTrue(e.getMessage().endsWith("element 150001 is Infinity"), e.getMessage());
    }
}
