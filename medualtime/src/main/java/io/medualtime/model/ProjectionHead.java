package io.medualtime.model;

import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * The projection head of unsupervised (contrastive) pre-training, one per pass:
 * {@code h <- LayerNorm(W h) + h}, with W ~ N(0, 0.01) (std 0.01) and a zero bias, so it starts close to
 * the identity. Names: {@code proj.weight/bias}, {@code norm.weight/bias}.
 */
public final class ProjectionHead extends Module {
    public final Linear proj;
    public final LayerNorm norm;

    public ProjectionHead(int dim, Rng rng) {
        proj = child("proj", Linear.withWeights(Tensor.randn(rng, dim, dim).mul(0.01f), Tensor.zeros(dim)));
        norm = child("norm", new LayerNorm(dim, MedualTimeConfig.EPS));
    }

    /** h [.., dim] -> [.., dim]. */
    public Tensor forward(Tensor h) { return norm.forward(proj.forward(h)).add(h); }
}
