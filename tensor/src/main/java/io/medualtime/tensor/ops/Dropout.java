package io.medualtime.tensor.ops;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;

/**
 * Inverted dropout: keeps each element with probability 1 - p and scales it by 1 / (1 - p). The
 * mask comes from a counter-based generator (seed, element index), so CPU and GPU draw the
 * same mask for the same seed.
 */
public final class Dropout {
    private Dropout() {}

    public static Tensor dropout(Tensor x, float p, long seed) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        if (p == 0) return x;
        Tensor mask = Tensor.empty(x.device(), x.shape());
        x.backend().dropoutMask(mask.storage(), mask.numel(), p, seed);
        Tensor out = Elementwise.binaryRaw(io.medualtime.tensor.backend.BinaryOp.MUL, x, mask);
        return Autograd.record(out, "dropout", new Tensor[]{x}, g -> new Tensor[]{Elementwise.mul(g, mask)});
    }
}
