package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/** A lookup table [num, dim]; ids index its rows. */
public final class Embedding extends Module {
    public final Tensor weight;

    /** Rows ~ N(0, std); a null {@code rng} leaves them zero (for loaders that overwrite them). */
    public Embedding(int num, int dim, float std, Rng rng) {
        weight = param("weight", rng == null ? Tensor.zeros(num, dim) : Tensor.randn(rng, num, dim).mul(std));
    }

    /** Rows for ids laid out with the given shape (e.g. [B, T]) -> shape + [dim]. */
    public Tensor forward(int[] ids, int... shape) {
        return F.embedding(weight, ids, shape);
    }
}
