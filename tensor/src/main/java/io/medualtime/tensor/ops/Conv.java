package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;

/**
 * conv1d with stride 1, dilation 1, groups 1 and zero 'same' padding, composed from existing ops
 * so its backward comes from theirs. Computed as a sum over the k taps,
 * y = sum_j W[:, :, j] @ xpad[:, :, j : j + L]: each tap is one batched GEMM that reads the padded
 * input in place through a strided view, so neither the forward (im2col's [B*L, Cin*k] copy) nor
 * the backward (im2col's overlapping scatter-add) moves k copies of the input.
 */
public final class Conv {
    private Conv() {}

    /** x [B, Cin, L], weight [Cout, Cin, k] (k odd), bias [Cout] or null -> [B, Cout, L]. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() != 3 || weight.dim() != 3 || x.size(1) != weight.size(1))
            throw new IllegalArgumentException("conv1d input " + Shapes.str(x.shape()) + " and weight " + Shapes.str(weight.shape())
                    + " do not match (expected [B, Cin, L] and [Cout, Cin, k])");
        int b = x.size(0), cin = x.size(1), len = x.size(2), cout = weight.size(0), k = weight.size(2);
        if (k % 2 == 0) throw new IllegalArgumentException("'same' padding needs an odd kernel size, got " + k);
        Tensor y;
        if (k == 1) {
            y = weight.reshape(cout, cin).matmul(x);
        } else {
            int pad = k / 2;
            Tensor zeros = x.fullLike(0f, b, cin, pad);
            Tensor padded = Views.cat(2, zeros, x, zeros);
            Tensor taps = weight.permute(2, 0, 1).contiguous();               // [k, Cout, Cin]: one matrix per tap
            y = null;
            for (int j = 0; j < k; j++) {
                Tensor term = taps.narrow(0, j, 1).reshape(cout, cin).matmul(padded.narrow(2, j, len));
                y = y == null ? term : y.add(term);
            }
        }
        return bias == null ? y : y.add(bias.reshape(cout, 1));
    }
}
