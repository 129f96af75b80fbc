package io.medualtime.model;

import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * The projection head of unsupervised (contrastive) pre-training, one per pass:
 * {@code p = W h + b; out = LayerNorm(p) + p}, with W ~ N(0, 0.01) (std 0.01) and a zero bias: the official
 * {@code adapter_cross_projector} / {@code adapter_cross_ln} (main_unsupervised.py's model), whose residual is on the
 * projection p, not on the input h (checked by {@code OfficialLoopsTest}). Names: {@code proj.weight/bias},
 * {@code norm.weight/bias}.
 */
public final class ProjectionHead extends Module {
    public final Linear proj;
    public final LayerNorm norm;

    public ProjectionHead(int dim, Rng rng) {
        proj = child("proj", Linear.withWeights(Tensor.randn(rng, dim, dim).mul(0.01f), Tensor.zeros(dim)));
        norm = child("norm", new LayerNorm(dim, MedualTimeConfig.EPS));
    }

    /** h [.., dim] -> [.., dim]: p = W h + b, then LayerNorm(p) + p (the residual is on the projection, as in the official code). */
    public Tensor forward(Tensor h) {
        Tensor p = proj.forward(h);
        return norm.forward(p).add(p);
    }
}
