package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;

/**
 * conv1d with stride 1, dilation 1, groups 1 and zero 'same' padding, composed as
 * pad -> unfold (a view) -> one matrix product, so its backward comes from those ops.
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
        int pad = k / 2;
        Tensor padded = pad == 0 ? x : Views.cat(2, x.fullLike(0f, b, cin, pad), x, x.fullLike(0f, b, cin, pad));
        // windows [B, Cin, L, k] -> rows [B, L, Cin*k]
        Tensor cols = padded.unfold(2, k, 1).permute(0, 2, 1, 3).reshape(b * len, cin * k);
        Tensor out = cols.matmul(weight.reshape(cout, cin * k).transpose(0, 1)); // [B*L, Cout]
        if (bias != null) out = out.add(bias);
        return out.reshape(b, len, cout).permute(0, 2, 1).contiguous();
    }
}
