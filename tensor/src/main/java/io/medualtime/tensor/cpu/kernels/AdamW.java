package io.medualtime.tensor.cpu.kernels;

import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * PyTorch's AdamW step, one fused pass over p, g, m, v: decay, moments, then
 * p -= (lr / bias1) * m / (sqrt(v) / sqrt(bias2) + eps); a scalar loop and a Vector API loop.
 */
public final class AdamW {
    private AdamW() {}

    /** The per-element constants derived from the step's {@link AdamWStep}. */
    private record Coefs(float b1, float b2, float eps, float stepSize, float sqrtBias2, float decay) {}

    /** Updates p, m, v in place from the gradient g over their first n elements. */
    public static void step(float[] p, float[] m, float[] v, float[] g, int n, AdamWStep h) {
        Coefs k = new Coefs(h.beta1(), h.beta2(), h.eps(), h.lr() / h.bias1(), (float) Math.sqrt(h.bias2()), 1 - h.lr() * h.weightDecay());
        Parallel.range(n, Grains.ELEMENTS, (s, e) -> {
            if (VectorSupport.available()) { Vec.update(p, m, v, g, s, e, k); return; }
            scalar(p, m, v, g, s, e, k);
        });
    }

    /** The scalar reference over [s, e) (and the tail of the vector loop). */
    private static void scalar(float[] p, float[] m, float[] v, float[] g, int s, int e, Coefs k) {
        float b1 = k.b1(), b2 = k.b2(), eps = k.eps(), stepSize = k.stepSize(), sqrtBias2 = k.sqrtBias2(), decay = k.decay();
        for (int i = s; i < e; i++) {
            float gi = g[i];
            float mi = m[i] = b1 * m[i] + (1 - b1) * gi;
            float vi = v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            p[i] = p[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) / sqrtBias2 + eps);
        }
    }

    /** The Vector API loop (loaded only when the API is present). */
    private static final class Vec {
        private Vec() {}

        private static final VectorSpecies<Float> S = VectorRows.S;

        static void update(float[] p, float[] m, float[] v, float[] g, int s, int e, Coefs k) {
            float b1 = k.b1(), b2 = k.b2(), eps = k.eps(), stepSize = k.stepSize(), sqrtBias2 = k.sqrtBias2(), decay = k.decay();
            int i = s, bound = s + S.loopBound(e - s);
            for (; i < bound; i += S.length()) {
                FloatVector gi = FloatVector.fromArray(S, g, i);
                FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(1 - b1));
                FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(gi).mul(1 - b2));
                mi.intoArray(m, i);
                vi.intoArray(v, i);
                FloatVector denom = vi.sqrt().div(sqrtBias2).add(eps);
                FloatVector.fromArray(S, p, i).mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
            }
            scalar(p, m, v, g, i, e, k);
        }
    }
}
