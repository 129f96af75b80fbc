package io.medualtime.model;

import io.medualtime.tensor.Tensor;

/** The temporal-primary pass's input pipeline: RevIN, then patches taken from the end of the series. */
public final class SignalPatching {
    private SignalPatching() {}

    /**
     * RevIN without affine parameters: per sample and lead, (x - mean_t) / sqrt(var_t + eps) with
     * the biased variance. x [B, leads, T].
     */
    public static Tensor revin(Tensor x, float eps) {
        Tensor centred = x.sub(x.mean(2, true));
        Tensor var = centred.mul(centred).mean(2, true);
        return centred.div(var.add(eps).sqrt());
    }

    /**
     * P = (max(T, patch) - patch) / stride + 1 windows of x [B, leads, T], aligned to the END of the
     * series (the first T - patch - (P - 1) * stride steps are dropped, as the official unfold over
     * a series whose tail is kept), each flattened lead-major (index lead * patch + t):
     * [B, P, leads * patch].
     */
    public static Tensor patchesFromEnd(Tensor x, int patch, int stride) {
        int b = x.size(0), leads = x.size(1), t = x.size(2);
        if (t < patch) throw new IllegalArgumentException("series of " + t + " steps is shorter than one patch of " + patch);
        int p = (t - patch) / stride + 1;
        int start = t - patch - (p - 1) * stride;
        Tensor windows = x.narrow(2, start, t - start).unfold(2, patch, stride); // [B, leads, P, patch]
        return windows.permute(0, 2, 1, 3).reshape(b, p, leads * patch);
    }
}
