package io.medualtime.nn.optim;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

import java.util.List;

/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients so that their joint norm is at most maxNorm; returns the norm before clipping. */
    public static double clipGlobalNorm(List<Tensor> params, double maxNorm) {
        double sq = 0;
        try (GradMode m = GradMode.noGrad()) {
            for (Tensor p : params) if (p.grad() != null) sq += p.grad().mul(p.grad()).sum().item();
            double norm = Math.sqrt(sq);
            double scale = maxNorm / (norm + 1e-6);
            if (scale < 1) for (Tensor p : params) if (p.grad() != null) p.setGrad(p.grad().mul((float) scale));
            return norm;
        }
    }
}
