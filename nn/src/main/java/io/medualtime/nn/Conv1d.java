package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/** PyTorch's nn.Conv1d without bias, stride 1, 'same' zero padding (odd kernel); weight [out, in, k]. */
public final class Conv1d extends Module {
    public final Tensor weight;

    /** PyTorch's default init: uniform(+-1/sqrt(in * k)) (kaiming_uniform with a = sqrt(5)). */
    public Conv1d(int in, int out, int kernel, Rng rng) {
        if (kernel % 2 == 0) throw new IllegalArgumentException("'same' padding needs an odd kernel size, got " + kernel);
        float bound = (float) (1 / Math.sqrt((double) in * kernel));
        weight = param("weight", Tensor.rand(rng, -bound, bound, out, in, kernel));
    }

    /** x [B, in, L] -> [B, out, L]. */
    public Tensor forward(Tensor x) { return F.conv1d(x, weight, null); }
}
