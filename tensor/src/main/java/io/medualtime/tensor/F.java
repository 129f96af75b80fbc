package io.medualtime.tensor;

import io.medualtime.tensor.ops.Conv;
import io.medualtime.tensor.ops.Dropout;
import io.medualtime.tensor.ops.Indexing;
import io.medualtime.tensor.ops.MatMul;
import io.medualtime.tensor.ops.Norms;
import io.medualtime.tensor.ops.SelfAttention;
import io.medualtime.tensor.ops.Softmax;
import io.medualtime.tensor.ops.Views;

/**
 * The functional ops that take more than one tensor or extra arguments, in one place (like
 * {@code torch.nn.functional}). Simple ops are methods of {@link Tensor}.
 */
public final class F {
    private F() {}

    public static Tensor cat(int dim, Tensor... xs) { return Views.cat(dim, xs); }
    public static Tensor stack(int dim, Tensor... xs) { return Views.stack(dim, xs); }
    public static Tensor[] split(Tensor x, int dim, int... sizes) { return Views.split(x, dim, sizes); }
    public static Tensor[] chunk(Tensor x, int chunks, int dim) { return Views.chunk(x, chunks, dim); }
    public static Tensor slice(Tensor x, int dim, int start, int end, int step) { return Views.slice(x, dim, start, end, step); }
    public static Tensor embedding(Tensor table, int[] ids, int... idsShape) { return Indexing.embedding(table, ids, idsShape); }
    /** x W + b (W [in, out], b [out]) as one node: the GEMM accumulates onto the bias rows. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        return MatMul.linear(x, w, bias);
    }
    public static Tensor indexSelect(Tensor x, int dim, int[] idx) { return Indexing.indexSelect(x, dim, idx); }
    public static Tensor gather(Tensor x, int dim, int[] index, int... indexShape) { return Indexing.gather(x, dim, index, indexShape); }
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Indexing.where(cond, a, b); }
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) { return Indexing.maskedFill(x, mask, value); }
    /** softmax(scale * scores + mask) over the last dim, attention's (one kernel each way on CUDA). */
    public static Tensor scaledMaskedSoftmax(Tensor scores, float scale, Tensor mask) {
        return Softmax.scaledMasked(scores, scale, mask);
    }
    public static boolean fusesSelfAttention(Tensor qkv, Tensor mask, int[] queryRows) { return SelfAttention.fuses(qkv, mask, queryRows); }
    public static Tensor selfAttention(Tensor qkv, int heads, Tensor mask, int[] queryRows, float scale, float dropoutP, long seed) {
        return SelfAttention.apply(qkv, heads, mask, queryRows, scale, dropoutP, seed);
    }
    public static Tensor crossEntropy(Tensor logits, int[] targets) { return Softmax.crossEntropy(logits, targets); }
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        return Softmax.crossEntropy(logits, targets, ignoreIndex);
    }
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return Norms.layerNorm(x, weight, bias, eps); }
    public static Tensor batchNorm1d(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
            boolean training, float momentum, float eps) {
        return Norms.batchNorm1d(x, weight, bias, runningMean, runningVar, training, momentum, eps);
    }
    public static Tensor l2Normalize(Tensor x, int dim, float eps) { return Norms.l2Normalize(x, dim, eps); }
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) { return Conv.conv1d(x, weight, bias); }
    public static Tensor dropout(Tensor x, float p, long seed) { return Dropout.dropout(x, p, seed); }
}
