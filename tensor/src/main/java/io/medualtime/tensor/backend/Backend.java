package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;

/**
 * The small set of primitives a device implements. Everything else (views, broadcasting rules,
 * autograd, composite ops such as variance, batch norm or conv1d) is built on these in
 * {@code io.medualtime.tensor.ops}, so a new backend only has to supply this interface.
 *
 * <p>Conventions: buffers are float32; "contiguous" arguments are (storage, offset) pairs read
 * densely; {@link View} arguments are strided (stride 0 = broadcast). Outputs are always written
 * densely starting at their offset. Integer indices travel as host {@code int[]} arrays.
 */
public interface Backend {
    Device device();

    // ---- memory --------------------------------------------------------------------------
    /** A new zero-filled storage of n floats. */
    Storage allocate(int n);
    /** A new storage of n floats with undefined contents, for outputs an op overwrites entirely. */
    default Storage allocateUninitialized(int n) { return allocate(n); }
    Storage fromHost(float[] data);
    /** Copies n floats starting at offset back to the host. */
    float[] toHost(Storage s, int offset, int n);
    void fill(Storage s, int offset, int n, float value);
    /** dst[i] (+)= src[i] over the broadcast-free shape of both views (they have the same shape). */
    void copy(View src, View dst, boolean accumulate);

    // ---- elementwise ---------------------------------------------------------------------
    /** out[i] = op(x[i]; p) for n contiguous elements. */
    void unary(UnaryOp op, float p, Storage x, int xOff, Storage out, int outOff, int n);
    /** gin[i] = d op(x[i])/dx * gout[i] for ops with a fused backward (tanh, sigmoid, relu, gelu, clamp). */
    void unaryBackward(UnaryOp op, float p, Storage x, int xOff, Storage gout, int gOff, Storage gin, int ginOff, int n);
    /** out = op(a, b) over the shape of out (dense); a and b are views already broadcast to that shape. */
    void binary(BinaryOp op, View a, View b, Storage out, int outOff);
    /** out = cond != 0 ? a : b, all three views broadcast to out's shape. */
    void where(View cond, View a, View b, Storage out, int outOff);

    // ---- reductions ----------------------------------------------------------------------
    /** x is dense [outer, dim, inner]; out[outer, inner] = sum or max over dim. */
    void reduce(ReduceOp op, Storage x, int xOff, int outer, int dim, int inner, Storage out, int outOff);

    // ---- matrix products -----------------------------------------------------------------
    /** Row-major batched C = alpha * op(A) op(B) + beta * C (see {@code Sgemm}). */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
              float beta, Storage c, int cOff, int ldc, int strideC, int batch);

    // ---- fused neural-network kernels -----------------------------------------------------
    /** Softmax (or log-softmax) over the last dim of dense [rows, cols]. */
    void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols);
    /** gx from y (the forward output) and gy. */
    void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff, int rows, int cols);
    /** LayerNorm over the last dim; weight/bias may be null; mean and rstd [rows] are saved for backward. */
    void layerNorm(Storage x, int xOff, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd, int rows, int cols);
    /** gx, gw and gb (gw, gb may be null) are written, not accumulated. */
    void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                           Storage gx, Storage gw, Storage gb, int rows, int cols);
    /**
     * Training-mode BatchNorm over dense x [batch, channels, length]: per channel, the mean and
     * invstd = 1/sqrt(biased variance + eps) of its batch*length values (saved for backward),
     * y = (x - mean) * invstd * w + b (w, b may be null), and, when runMean / runVar are given,
     * run = (1 - momentum) * run + momentum * (mean, unbiased variance). Dense arguments start at 0
     * except x.
     */
    void batchNorm(Storage x, int xOff, Storage w, Storage b, float eps, float momentum, Storage runMean, Storage runVar,
                   Storage y, Storage mean, Storage invstd, int batch, int channels, int length);
    /** gx, gw and gb (gw, gb may be null; written, not accumulated) of training-mode batchNorm; gy dense from 0. */
    void batchNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage invstd, Storage gy,
                           Storage gx, Storage gw, Storage gb, int batch, int channels, int length);
    /** out[i, :] = table[ids[i], :]; table is dense [rows, cols]. */
    void gatherRows(Storage table, int tOff, int cols, int[] ids, Storage out);
    /** gtable[ids[i], :] += gout[i, :]. */
    void scatterAddRows(Storage gout, int cols, int[] ids, Storage gtable, int tOff);
    /** Per-row loss -log softmax(logits)[target] (0 where target == ignoreIndex) and the row's log-sum-exp. */
    void crossEntropy(Storage logits, int lOff, int[] targets, int ignoreIndex, Storage loss, Storage lse, int rows, int cols);
    /**
     * glogits = (softmax - onehot) * gout[goutOff] * scale, zero rows for ignored targets. The
     * upstream gradient stays where it is (on a GPU, reading it first would wait for the device).
     */
    void crossEntropyBackward(Storage logits, int lOff, Storage lse, int[] targets, int ignoreIndex, Storage gout, int goutOff,
                              float scale, Storage glogits, int rows, int cols);
    /** mask[i] = (uniform(seed, i) >= p) / (1 - p), with the counter-based generator shared by all backends. */
    void dropoutMask(long seed, float p, Storage mask, int n);
    /** AdamW update of n contiguous parameters (decoupled weight decay, bias-corrected moments). */
    void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
               float eps, float weightDecay, float bias1, float bias2);
}
