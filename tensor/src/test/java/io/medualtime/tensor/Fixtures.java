package io.medualtime.tensor;

import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.TensorInfo;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Loads reference tensors written by the PyTorch scripts in tools/reference/. */
public final class Fixtures {
    private Fixtures() {}

    /** A test resource as a path (fixtures live in src/test/resources/fixtures). */
    public static Path resource(Class<?> anchor, String name) {
        try {
            return Paths.get(anchor.getResource("/fixtures/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("fixture " + name + " not found on the test classpath", e);
        }
    }

    public static Tensor tensor(SafetensorsFile f, String name) throws Exception {
        TensorInfo info = f.info(name);
        int[] shape = info.intShape();
        Tensor t = Tensor.of(f.readFloat(name), shape.length == 0 ? new int[]{1} : shape);
        return shape.length == 0 ? t.reshape() : t; // 0-d
    }

    public static int[] ints(SafetensorsFile f, String name) throws Exception {
        return f.readInt(name);
    }

    /**
     * Asserts max |actual - expected| <= rtol * max(1, max |expected|) elementwise, i.e. a relative
     * tolerance scaled to the tensor's magnitude (sums of products cancel, so per-element relative
     * error is meaningless near zero).
     */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape()))
            throw new AssertionError(what + ": shape " + java.util.Arrays.toString(actual.shape()) + " != expected "
                    + java.util.Arrays.toString(expected.shape()));
        assertClose(what, expected.toArray(), actual.toArray(), rtol);
    }

    public static void assertClose(String what, float[] e, float[] a, double rtol) {
        if (e.length != a.length) throw new AssertionError(what + ": length " + a.length + " != " + e.length);
        double scale = 1;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (Double.isNaN(a[i]) != Double.isNaN(e[i])) { d = Double.POSITIVE_INFINITY; }
            if (d > worst) { worst = d; at = i; }
        }
        if (worst > rtol * scale)
            throw new AssertionError(String.format("%s: max error %.3g at %d (expected %s, got %s) exceeds %.1g x scale %.3g",
                    what, worst, at, e[at], a[at], rtol, scale));
    }
}
