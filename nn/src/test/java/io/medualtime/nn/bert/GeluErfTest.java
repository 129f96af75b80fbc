package io.medualtime.nn.bert;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.ops.Elementwise;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The exact-erf GELU BERT needs (tensor op GELU_ERF) against a double-precision reference. */
class GeluErfTest {
    /** erf by its everywhere-convergent series 2/sqrt(pi) e^{-z^2} sum 2^n z^{2n+1} / (1*3*...*(2n+1)), all terms positive. */
    static double erf(double z) {
        if (Math.abs(z) > 6) return Math.signum(z);
        double a = Math.abs(z), term = a, sum = a;
        for (int n = 1; term > 1e-18 * sum; n++) { term *= 2 * a * a / (2 * n + 1); sum += term; }
        return Math.signum(z) * 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
    }

    @Test void matchesXTimesNormalCdf() {
        int n = 4001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -10f + 20f * i / (n - 1);
        float[] y = Elementwise.geluErf(Tensor.of(x, n)).toArray();
        for (int i = 0; i < n; i++) {
            double want = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
            assertEquals(want, y[i], 3e-7 * Math.max(1e-3, Math.abs(x[i])), "gelu(" + x[i] + ")");
        }
        // known values: GELU(1) = 0.8413447, GELU(-1) = -0.1586553 (PyTorch F.gelu)
        float[] k = Elementwise.geluErf(Tensor.of(new float[]{1f, -1f, 0f}, 3)).toArray();
        assertEquals(0.8413447f, k[0], 2e-7);
        assertEquals(-0.1586553f, k[1], 2e-7);
        assertEquals(0f, k[2]);
    }

    @Test void gradientIsPhiPlusXPhi() {
        Tensor x = Tensor.of(new float[]{-3f, -0.5f, 0f, 0.7f, 2.5f}, 5).requiresGrad(true);
        Elementwise.geluErf(x).sum().backward();
        float[] g = x.grad().toArray(), xs = x.toArray();
        for (int i = 0; i < 5; i++) {
            double v = xs[i], want = 0.5 * (1 + erf(v / Math.sqrt(2))) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            assertEquals(want, g[i], 3e-7, "grad at " + v);
        }
    }
}
