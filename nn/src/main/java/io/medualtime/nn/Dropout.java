package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/** Dropout that is active only in training mode; each call draws a fresh seed from its own generator. */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        this.p = p;
        this.rng = rng.split();
    }

    public Tensor forward(Tensor x) {
        return isTraining() && p > 0 ? F.dropout(x, p, rng.nextLong()) : x;
    }
}
