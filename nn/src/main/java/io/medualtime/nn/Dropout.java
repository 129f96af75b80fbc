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
        this.rng = rng("rng", rng.split());
    }

    public Tensor forward(Tensor x) {
        return isTraining() && p > 0 ? F.dropout(x, p, rng.nextLong()) : x;
    }

    /** The probability in effect: p in training mode, 0 in evaluation. */
    public float activeP() { return isTraining() ? p : 0f; }

    /**
     * The seed {@link #forward} would draw, for an op that applies the mask itself (a fused kernel):
     * call it exactly where forward would run, and only when {@link #activeP} is above 0.
     */
    public long nextSeed() { return rng.nextLong(); }
}
