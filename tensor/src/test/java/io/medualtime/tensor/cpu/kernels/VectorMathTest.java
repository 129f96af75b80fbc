package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.cpu.VectorSupport;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The polynomial exp/tanh used by the vector kernels, against double-precision Math (tolerance stated per function). */
class VectorMathTest {
    @Test void expAndTanhAreAccurateOverTheWholeRange() {
        Assumptions.assumeTrue(VectorSupport.available(), "Vector API not available");
        var s = FloatVector.SPECIES_PREFERRED;
        float[] x = new float[s.length()], y = new float[s.length()], t = new float[s.length()];
        double worstExp = 0, worstTanh = 0;
        for (float v = -87f; v < 88.3f; v += 0.0137f) {
            for (int i = 0; i < x.length; i++) x[i] = v + i * 1e-3f;
            VectorMath.exp(FloatVector.fromArray(s, x, 0)).intoArray(y, 0);
            VectorMath.tanh(FloatVector.fromArray(s, x, 0).mul(0.1f)).intoArray(t, 0);
            for (int i = 0; i < x.length; i++) {
                double e = Math.exp(x[i]);
                worstExp = Math.max(worstExp, Math.abs(y[i] - e) / e);
                worstTanh = Math.max(worstTanh, Math.abs(t[i] - Math.tanh(x[i] * 0.1f)));
            }
        }
        assertTrue(worstExp < 3e-7, "exp relative error " + worstExp);
        assertTrue(worstTanh < 2e-7, "tanh absolute error " + worstTanh);
    }

    /** On x <= 0, NaN and -infinity included, expNonPositive gives exp's bits. */
    @Test void expNonPositiveIsExpBitwise() {
        Assumptions.assumeTrue(VectorSupport.available(), "Vector API not available");
        var s = FloatVector.SPECIES_PREFERRED;
        float[] x = new float[s.length()], a = new float[s.length()], b = new float[s.length()];
        java.util.Random r = new java.util.Random(3);
        for (int k = 0; k < 20_000; k++) {
            for (int i = 0; i < x.length; i++)
                x[i] = switch (r.nextInt(12)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.NEGATIVE_INFINITY;
                    case 2 -> -0f;
                    case 3 -> -1e9f;        // a masked attention score minus the row max
                    case 4 -> -87.33654f - r.nextFloat();
                    default -> -r.nextFloat() * (r.nextBoolean() ? 1 : 100);
                };
            VectorMath.exp(FloatVector.fromArray(s, x, 0)).intoArray(a, 0);
            VectorMath.expNonPositive(FloatVector.fromArray(s, x, 0)).intoArray(b, 0);
            for (int i = 0; i < x.length; i++)
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "exp(" + x[i] + ")");
        }
    }

    /** Outside the clamp [-87.33654, 88.37626] exp saturates at its value there; NaN stays NaN (in every lane position). */
    @Test void expSaturatesAtTheClampBoundsAndKeepsNaN() {
        Assumptions.assumeTrue(VectorSupport.available(), "Vector API not available");
        var s = FloatVector.SPECIES_PREFERRED;
        float[] bounds = {-87.33654f, 88.37626f}, x = new float[s.length()], y = new float[s.length()], b = new float[s.length()];
        for (int i = 0; i < x.length; i++) b[i] = bounds[i % 2];
        VectorMath.exp(FloatVector.fromArray(s, b, 0)).intoArray(b, 0);
        float[] beyond = {-1e30f, 1e30f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -88f, 89f};
        for (int k = 0; k < beyond.length; k++) {
            for (int i = 0; i < x.length; i++) x[i] = i == k ? Float.NaN : beyond[(i + k) % beyond.length];
            VectorMath.exp(FloatVector.fromArray(s, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                if (Float.isNaN(x[i])) assertTrue(Float.isNaN(y[i]), "exp(NaN) = " + y[i]);
                else assertEquals(b[x[i] < 0 ? 0 : 1], y[i], "exp(" + x[i] + ")");
            }
        }
        assertTrue(b[0] > 0 && b[0] < 2e-38f && b[1] > 2e38f && b[1] < Float.POSITIVE_INFINITY, b[0] + " " + b[1]);
    }
}
