package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.backend.FusedIm2Col;
import io.medualtime.tensor.backend.GemmBatchSum;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;

/**
 * conv1d with stride 1, dilation 1, groups 1 and zero 'same' padding, as one autograd node on
 * backend primitives (strided copy and batched GEMM), so both backends run it.
 *
 * <pre>
 *   forward   col = im2col(x)  [B, Cin*k, L],  col[b, ci*k + j, t] = xpad[b, ci, t + j]
 *             y[b] = W [Cout, Cin*k] @ col[b]                        (one batched GEMM)
 *   backward  dW  = sum_b dy[b] @ col[b]^T                           (col recomputed, not kept)
 *             dx  = conv1d(dy, W~),  W~[ci, co, j] = W[co, ci, k-1-j] (the same forward)
 * </pre>
 * One GEMM with depth Cin*k instead of k GEMMs of depth Cin: the product is deep enough to run
 * the GEMM near its peak, and no per-tap partial sums are added up. The backward keeps no copy of
 * the k-times-larger col: it is rebuilt from x (a copy, cheap next to the GEMM).
 */
public final class Conv {
    private Conv() {}

    /** x [B, Cin, L], weight [Cout, Cin, k] (k odd), bias [Cout] or null -> [B, Cout, L]. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() != 3 || weight.dim() != 3 || x.size(1) != weight.size(1))
            throw new IllegalArgumentException("conv1d input " + Shapes.str(x.shape()) + " and weight " + Shapes.str(weight.shape())
                    + " do not match (expected [B, Cin, L] and [Cout, Cin, k])");
        int k = weight.size(2);
        if (k % 2 == 0) throw new IllegalArgumentException("'same' padding needs an odd kernel size, got " + k);
        if (x.device() != weight.device()) throw new IllegalArgumentException("conv1d input and weight on different devices");
        Tensor xc = x.detach().contiguous(), wc = weight.detach().contiguous();
        Tensor y = Autograd.record(forward(xc, wc), "conv1d", new Tensor[]{x, weight}, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = x.requiresGrad() ? forward(gc, flipTransposed(wc)) : null;
            Tensor gw = weight.requiresGrad() ? weightGrad(xc, gc, k) : null;
            return new Tensor[]{gx, gw};
        });
        return bias == null ? y : y.add(bias.reshape(weight.size(0), 1));
    }

    /** y = W @ im2col(x) for dense x [B, Cin, L] and w [Cout, Cin, k]. */
    private static Tensor forward(Tensor x, Tensor w) {
        int b = x.size(0), cin = x.size(1), len = x.size(2), cout = w.size(0), k = w.size(2), depth = cin * k;
        Tensor col = im2col(x, k);
        Tensor y = Tensor.empty(x.device(), b, cout, len);
        x.backend().gemm(new Matrix(y.storage(), 0, len, cout * len), Matrix.of(w.storage(), w.offset(), depth),
                new Matrix(col.storage(), col.offset(), len, depth * len), new GemmShape(false, false, cout, len, depth, b), 1f, 0f);
        if (col != x) TensorScope.releaseTemporary(col);     // the largest tensor of the conv, dead already
        return y;
    }

    /** dW [Cout, Cin, k] = sum over samples of dy[b] [Cout, L] @ im2col(x)[b]^T [L, Cin*k]. */
    private static Tensor weightGrad(Tensor x, Tensor gy, int k) {
        int b = x.size(0), cin = x.size(1), len = x.size(2), cout = gy.size(1), depth = cin * k;
        Tensor col = im2col(x, k);
        Tensor gw = b == 0 ? Tensor.zeros(x.device(), cout, cin, k) : Tensor.empty(x.device(), cout, cin, k);
        Backend be = x.backend();
        Matrix c = Matrix.of(gw.storage(), 0, depth), a = new Matrix(gy.storage(), gy.offset(), len, cout * len);
        Matrix cols = new Matrix(col.storage(), col.offset(), len, depth * len);
        GemmShape shape = new GemmShape(false, true, cout, depth, len, b);
        if (be instanceof GemmBatchSum summed)      // the whole sum in one call (CUDA: 2-3 launches, not 2 per sample)
            summed.gemmBatchSum(c, a, cols, shape, 1f, 0f);
        else
            if (b > 0)                             // accumulated over the batch in sample order (deterministic)
                GemmBatchSum.oneByOne(be, c, a, cols, shape, 1f, 0f);
        if (col != x) TensorScope.releaseTemporary(col);
        return gw;
    }

    /** [B, Cin*k, L] with row ci*k + j = x[:, ci, :] shifted by j - k/2 (zeros outside): a copy of a strided view. */
    private static Tensor im2col(Tensor x, int k) {
        if (k == 1) return x;
        int b = x.size(0), cin = x.size(1), len = x.size(2), pad = k / 2;
        if (x.backend() instanceof FusedIm2Col fused) {         // one kernel instead of a memset and two copies
            Tensor col = Tensor.empty(x.device(), b, cin * k, len);
            fused.im2col(col.storage(), x.span(), new ChannelShape(b, cin, len), k);
            return col;
        }
        Tensor padded = Tensor.zeros(x.device(), b, cin, len + 2 * pad);
        x.backend().copy(padded.narrow(2, pad, len).view(), x.view(), false);
        // windows [B, Cin, L, k] -> [B, Cin, k, L]: element (b, ci, j, t) = padded[b, ci, t + j]
        Tensor col = padded.unfold(2, k, 1).permute(0, 1, 3, 2).contiguous().reshape(b, cin * k, len);
        if (col.storage() != padded.storage()) TensorScope.releaseTemporary(padded);
        return col;
    }

    /**
     * W~ [Cin, Cout, k] with W~[ci, co, j] = W[co, ci, k-1-j]: the weight of the input gradient's conv,
     * gathered element by element in one primitive (the flip is not a strided view; tap-by-tap
     * copies cost 2k launches on a GPU). The index table depends only on the shape.
     */
    private static Tensor flipTransposed(Tensor w) {
        int cout = w.size(0), cin = w.size(1), k = w.size(2);
        int[] from = FLIPS.computeIfAbsent(java.util.List.of(cout, cin, k), s -> {
            int[] ids = new int[cout * cin * k];
            for (int ci = 0; ci < cin; ci++)
                for (int co = 0; co < cout; co++)
                    for (int j = 0; j < k; j++) ids[(ci * cout + co) * k + j] = (co * cin + ci) * k + (k - 1 - j);
            return ids;
        });
        Tensor out = Tensor.empty(w.device(), cin, cout, k);
        w.backend().gatherRows(out.storage(), w.span(), from, 1);
        return out;
    }

    private static final java.util.Map<java.util.List<Integer>, int[]> FLIPS = new java.util.concurrent.ConcurrentHashMap<>();
}
