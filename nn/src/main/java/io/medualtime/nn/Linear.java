package io.medualtime.nn;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * y = x W^T + b with PyTorch's layout (weight [out, in]) or, with {@code hfConv1D}, Hugging Face
 * GPT-2's Conv1D layout (weight [in, out], y = x W + b). The transpose is a view, never a copy.
 */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias;
    private final boolean inOutLayout;

    private Linear(Tensor weight, Tensor bias, boolean inOutLayout) {
        this.weight = param("weight", weight);
        this.bias = bias == null ? null : param("bias", bias);
        this.inOutLayout = inOutLayout;
    }

    /** PyTorch nn.Linear with its default init (uniform +-1/sqrt(in)). */
    public Linear(int in, int out, boolean bias, Rng rng) {
        this(Tensor.rand(rng, -bound(in), bound(in), out, in), bias ? Tensor.rand(rng, -bound(in), bound(in), out) : null, false);
    }

    private static float bound(int in) { return (float) (1 / Math.sqrt(in)); }

    /** GPT-2's Conv1D: weight [in, out] ~ N(0, std), bias zero; a null {@code rng} leaves the weight zero. */
    public static Linear conv1D(int in, int out, float std, Rng rng) {
        return new Linear(rng == null ? Tensor.zeros(in, out) : Tensor.randn(rng, in, out).mul(std), Tensor.zeros(out), true);
    }

    /** A PyTorch-layout layer with given initial weights (e.g. N(0, std)). */
    public static Linear withWeights(Tensor weightOutIn, Tensor bias) {
        return new Linear(weightOutIn, bias, false);
    }

    public int inFeatures() { return inOutLayout ? weight.size(0) : weight.size(1); }
    public int outFeatures() { return inOutLayout ? weight.size(1) : weight.size(0); }

    public Tensor forward(Tensor x) {
        Tensor w = inOutLayout ? weight : weight.transpose(0, 1);
        return bias == null ? x.matmul(w) : F.linear(x, w, bias);
    }
}
