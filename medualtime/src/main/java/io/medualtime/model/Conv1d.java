package io.medualtime.model;

import io.medualtime.nn.Module;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * PyTorch's nn.Conv1d without bias, stride 1, 'same' zero padding (odd kernel); weight [out, in, k].
 *
 * <p>Computed as a sum over the k taps, y = sum_j W[:, :, j] @ xpad[:, :, j : j + L]: each tap is
 * one batched GEMM that reads the padded input in place through a strided view, so neither the
 * forward (im2col's [B*L, in*k] copy) nor the backward (im2col's overlapping, single-threaded
 * scatter-add) moves k copies of the input. Same result as {@link F#conv1d} up to summation order.
 */
public final class Conv1d extends Module {
    public final Tensor weight;

    /** PyTorch's default init: uniform(+-1/sqrt(in * k)) (kaiming_uniform with a = sqrt(5)). */
    public Conv1d(int in, int out, int kernel, Rng rng) {
        if (kernel % 2 == 0) throw new IllegalArgumentException("'same' padding needs an odd kernel size, got " + kernel);
        float bound = (float) (1 / Math.sqrt((double) in * kernel));
        weight = param("weight", Tensor.rand(rng, -bound, bound, out, in, kernel));
    }

    /** x [B, in, L] -> [B, out, L]. */
    public Tensor forward(Tensor x) {
        int out = weight.size(0), in = weight.size(1), k = weight.size(2);
        if (x.dim() != 3 || x.size(1) != in)
            throw new IllegalArgumentException("conv1d input " + java.util.Arrays.toString(x.shape()) + " does not match weight "
                    + java.util.Arrays.toString(weight.shape()));
        if (k == 1) return weight.reshape(out, in).matmul(x);
        int pad = k / 2, len = x.size(2);
        Tensor zeros = x.fullLike(0f, x.size(0), in, pad);
        Tensor padded = F.cat(2, zeros, x, zeros);
        Tensor taps = weight.permute(2, 0, 1).contiguous();           // [k, out, in]: one matrix per tap
        Tensor y = null;
        for (int j = 0; j < k; j++) {
            Tensor term = taps.narrow(0, j, 1).reshape(out, in).matmul(padded.narrow(2, j, len));
            y = y == null ? term : y.add(term);
        }
        return y;
    }
}
