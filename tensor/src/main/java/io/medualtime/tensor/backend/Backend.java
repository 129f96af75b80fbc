package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;

/**
 * The small set of primitives a device implements. Everything else (views, broadcasting rules,
 * autograd, composite ops such as variance, batch norm or conv1d) is built on these in
 * {@code io.medualtime.tensor.ops}, so a new backend only has to supply this interface.
 *
 * <p>Operands: buffers are float32. A {@link Span} (storage + element offset) is read or written
 * densely; a {@link View} is strided (stride 0 = broadcast); a bare {@link Storage} is dense from
 * element 0; a {@link Matrix} is a GEMM operand. Per-op records group the rest ({@link GemmShape},
 * {@link NormStats}, {@link Affine}, {@link RunningStats}, {@link ChannelShape}, {@link Targets},
 * {@link AdamWStep}). Integer indices travel as host {@code int[]} arrays.
 *
 * <p>One argument order everywhere, as in the PTX kernels: an op selector (if any), then outputs,
 * then inputs, then sizes and scalars. Outputs are written densely from their offset.
 */
public interface Backend {
    Device device();

    // ---- memory --------------------------------------------------------------------------
    /** A new zero-filled storage of n floats. */
    Storage allocate(int n);
    /** A new storage of n floats with undefined contents, for outputs an op overwrites entirely. */
    default Storage allocateUninitialized(int n) {
        return allocate(n);
    }
    Storage fromHost(float[] data);
    /** Copies n floats starting at src back to the host. */
    float[] toHost(Span src, int n);
    /** dst[0, n) = value. */
    void fill(Span dst, int n, float value);
    /** dst[i] (+)= src[i] over the broadcast-free shape of both views (they have the same shape). */
    void copy(View dst, View src, boolean accumulate);

    // ---- elementwise ---------------------------------------------------------------------
    /** out[i] = op(x[i]; p) for n contiguous elements. */
    void unary(UnaryOp op, Span out, Span x, int n, float p);
    /** gin[i] = d op(x[i])/dx * gout[i] for ops with a fused backward (tanh, sigmoid, relu, gelu, clamp). */
    void unaryBackward(UnaryOp op, Span gin, Span x, Span gout, int n, float p);
    /** out = op(a, b) over the shape of out (dense); a and b are views already broadcast to that shape. */
    void binary(BinaryOp op, Span out, View a, View b);
    /** out = cond != 0 ? a : b, all three views broadcast to out's shape. */
    void where(Span out, View cond, View a, View b);

    // ---- reductions ----------------------------------------------------------------------
    /** x is dense [outer, dim, inner]; out[outer, inner] = sum or max over dim. */
    void reduce(ReduceOp op, Span out, Span x, int outer, int dim, int inner);

    // ---- matrix products -----------------------------------------------------------------
    /**
     * Row-major batched C = alpha * op(A) op(B) + beta * C (see {@code Sgemm}); beta == 0 never reads C. C must not
     * overlap A or B: tiles of C may be written before all of A is read.
     */
    void gemm(Matrix c, Matrix a, Matrix b, GemmShape shape, float alpha, float beta);

    // ---- fused neural-network kernels -----------------------------------------------------
    /** Softmax (or log-softmax) over the last dim of dense [rows, cols]. */
    void softmax(Span y, Span x, int rows, int cols, boolean log);
    /** gx from y (the forward output) and gy. */
    void softmaxBackward(Span gx, Span y, Span gy, int rows, int cols, boolean log);
    /** LayerNorm over the last dim of x [rows, cols]; the affine parts may be null; the statistics [rows] are saved for backward. */
    void layerNorm(Storage y, NormStats saved, Span x, Affine affine, int rows, int cols, float eps);
    /** gx and grads (either part may be null) are written, not accumulated; w may be null. */
    void layerNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, int rows, int cols);
    /**
     * Training-mode BatchNorm over dense x [batch, channels, length]: per channel, the mean and
     * rstd = 1/sqrt(biased variance + eps) of its batch*length values (saved for backward),
     * y = (x - mean) * rstd * w + b (the affine parts may be null), and the running statistics'
     * update where they are given.
     */
    void batchNorm(Storage y, NormStats saved, Span x, Affine affine, RunningStats running, ChannelShape shape, float eps);
    /** gx and grads (either part may be null; written, not accumulated) of training-mode batchNorm; w may be null. */
    void batchNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, ChannelShape shape);
    /** out[i, :] = table[ids[i], :]; table is dense [rows, cols]. */
    void gatherRows(Storage out, Span table, int[] ids, int cols);
    /** gtable[ids[i], :] += gout[i, :]. */
    void scatterAddRows(Span gtable, Storage gout, int[] ids, int cols);
    /** Per-row loss -log softmax(logits)[target] (0 for an ignored target) and the row's log-sum-exp. */
    void crossEntropy(Storage loss, Storage lse, Span logits, Targets targets, int rows, int cols);
    /**
     * glogits = (softmax - onehot) * gout[0] * scale, zero rows for ignored targets. The upstream
     * gradient stays where it is (on a GPU, reading it first would wait for the device).
     */
    void crossEntropyBackward(Storage glogits, Span logits, Storage lse, Targets targets, Span gout, int rows, int cols, float scale);
    /** mask[i] = (uniform(seed, i) >= p) / (1 - p), with the counter-based generator shared by all backends. */
    void dropoutMask(Storage mask, int n, float p, long seed);
    /** AdamW update of n contiguous parameters and their moments m, v in place (decoupled weight decay, bias-corrected moments). */
    void adamw(Storage param, Storage m, Storage v, Storage grad, int n, AdamWStep step);
}
