package io.medualtime.tensor.cuda;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.FusedGatedPrefixAttention;
import io.medualtime.tensor.backend.FusedAttentionSoftmax;
import io.medualtime.tensor.backend.FusedIm2Col;
import io.medualtime.tensor.backend.GemmBatchSum;
import io.medualtime.tensor.backend.FusedSelfAttention;
import io.medualtime.tensor.backend.GemmBias;
import io.medualtime.tensor.backend.MultiTensorAdamW;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.backend.View;

/**
 * The CUDA backend: each {@link Backend} primitive maps to one kernel launcher, in the class named
 * after its PTX file ({@code kernels/layernorm.ptx}: {@link LayerNormKernels}; GEMM: {@link CudaSgemm},
 * cuBLAS when it loads, else sgemm.ptx).
 * Storages are {@link CudaStorage}s; element offsets become 64-bit device addresses
 * ({@code buffer.at(offset)}). Host {@code int[]} ids / targets go through a device cache kept by
 * content ({@link DeviceInts}): each upload would wait for the GPU. Semantics
 * follow {@link io.medualtime.tensor.cpu.CpuBackend}; float32 accumulation on the device (CPU:
 * double) and atomic adds (scatter-add, accumulating strided copies) differ from the CPU within
 * rounding only.
 *
 * <p>Loaded by {@link io.medualtime.tensor.backend.Backends} through {@link #create()}, which throws
 * with the reason when CUDA is unavailable.
 */
public final class CudaBackend implements Backend, FusedGatedPrefixAttention, FusedAttentionSoftmax, FusedIm2Col, FusedSelfAttention, GemmBatchSum,
        GemmBias, MultiTensorAdamW {
    private static volatile CudaBackend instance;

    private CudaBackend() {}

    /** The backend; IllegalStateException with CudaRuntime's reason when CUDA is unavailable. */
    public static CudaBackend create() {
        if (!CudaRuntime.isAvailable()) throw new IllegalStateException(CudaRuntime.unavailableReason());
        return instance();
    }

    static CudaBackend instance() {
        CudaBackend b = instance;
        if (b == null) {
            synchronized (CudaBackend.class) {
                if (instance == null) instance = new CudaBackend();
                b = instance;
            }
        }
        return b;
    }

    private static DeviceAllocator alloc() { return DeviceAllocator.get(); }

    private static DeviceBuffer buf(Storage s) {
        if (!(s instanceof CudaStorage)) throw new IllegalArgumentException("CUDA op given storage of device " + s.device());
        return ((CudaStorage) s).buffer();
    }

    /** Device address of element {@code off} of s; 0 (a null pointer) for a null storage (optional kernel operands). */
    private static long ptr(Storage s, int off) { return s == null ? 0L : buf(s).at(off); }

    @Override public Device device() { return Device.CUDA; }

    // ---- memory ----------------------------------------------------------------------------
    @Override public Storage allocate(int n) { return new CudaStorage(alloc().allocateZeroed(n), n); }
    @Override public Storage allocateUninitialized(int n) { return new CudaStorage(alloc().allocate(n), n); }
    @Override public Storage fromHost(float[] data) { return new CudaStorage(alloc().upload(data), data.length); }
    @Override public float[] toHost(Storage s, int offset, int n) {
        float[] out = new float[n];
        buf(s).copyTo(out, 0, offset, n);
        return out;
    }
    @Override public void fill(Storage s, int offset, int n, float value) { buf(s).fill(value, offset, n); }

    /**
     * Dense to dense: a device memcpy. Otherwise the source is read densely (itself or a gathered
     * temporary) and written with copy_to_strided, or added with atomics (copy_to_strided_add) since
     * accumulating destinations may overlap; a dense accumulating destination uses a plain add.
     */
    @Override public void copy(View src, View dst, boolean accumulate) {
        int n = src.numel();
        if (n == 0) return;
        boolean dstDense = Shapes.isContiguous(dst.shape(), dst.strides());
        if (!accumulate && dstDense) {
            if (Shapes.isContiguous(src.shape(), src.strides())) buf(dst.storage()).copyFrom(buf(src.storage()), src.offset(), dst.offset(), n);
            else gather(src, ptr(dst.storage(), dst.offset()));
            return;
        }
        try (Dense s = Dense.of(src)) {
            if (dstDense) {
                long d = ptr(dst.storage(), dst.offset());
                ElementwiseKernels.binary(BinaryOp.ADD, d, d, s.ptr, n);
            } else {
                Layout l = Layout.of(dst.shape(), dst.strides());
                ElementwiseKernels.copyToStrided(ptr(dst.storage(), 0), dst.offset(), l.strides[0], s.ptr, l.shape, accumulate);
            }
        }
    }

    /** out (dense, v's shape) = the elements of view v. */
    private static void gather(View v, long out) {
        Layout l = Layout.of(v.shape(), v.strides());
        ElementwiseKernels.copyStrided(out, ptr(v.storage(), 0), v.offset(), l.strides[0], l.shape);
    }

    // ---- elementwise -----------------------------------------------------------------------
    @Override public void unary(UnaryOp op, float p, Storage x, int xOff, Storage out, int outOff, int n) {
        if (n <= 0) return;
        if (op == UnaryOp.GELU || op == UnaryOp.GELU_ERF) GeluKernels.gelu(ptr(out, outOff), ptr(x, xOff), n, op == UnaryOp.GELU_ERF);
        else ElementwiseKernels.unary(op, ptr(out, outOff), ptr(x, xOff), n, p);
    }

    @Override public void unaryBackward(UnaryOp op, float p, Storage x, int xOff, Storage g, int gOff, Storage gin, int ginOff, int n) {
        if (n <= 0) return;
        switch (op) {
            case GELU: case GELU_ERF:
                GeluKernels.geluBackward(ptr(gin, ginOff), ptr(x, xOff), ptr(g, gOff), n, op == UnaryOp.GELU_ERF);
                break;
            case TANH: case SIGMOID: case RELU: case CLAMP_MIN: case ABS:
                ElementwiseKernels.unaryBackward(op, ptr(gin, ginOff), ptr(x, xOff), ptr(g, gOff), n, p);
                break;
            default: throw new UnsupportedOperationException("no fused backward for " + op);
        }
    }

    @Override public void binary(BinaryOp op, View a, View b, Storage out, int outOff) {
        int n = a.numel();
        if (n == 0) return;
        if (Shapes.isContiguous(a.shape(), a.strides()) && Shapes.isContiguous(b.shape(), b.strides())) {
            ElementwiseKernels.binary(op, ptr(out, outOff), ptr(a.storage(), a.offset()), ptr(b.storage(), b.offset()), n);
            return;
        }
        Layout l = Layout.of(a.shape(), a.strides(), b.strides());
        ElementwiseKernels.binaryStrided(op, ptr(out, outOff), ptr(a.storage(), a.offset()), l.strides[0],
                ptr(b.storage(), b.offset()), l.strides[1], l.shape);
    }

    @Override public void where(View cond, View a, View b, Storage out, int outOff) {
        int n = a.numel();
        if (n == 0) return;
        try (Dense c = Dense.of(cond); Dense x = Dense.of(a); Dense y = Dense.of(b)) {
            ElementwiseKernels.where(ptr(out, outOff), c.ptr, x.ptr, y.ptr, n);
        }
    }

    // ---- reductions ------------------------------------------------------------------------
    @Override public void reduce(ReduceOp op, Storage x, int xOff, int outer, int dim, int inner, Storage out, int outOff) {
        ReduceKernels.reduce(op, ptr(out, outOff), ptr(x, xOff), outer, dim, inner);
    }

    // ---- matrix products -------------------------------------------------------------------
    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
                               float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        CudaSgemm.sgemm(new Gemm(transA, transB, m, n, k, batch, alpha, beta), new DeviceMatrix(ptr(c, cOff), ldc, strideC),
                new DeviceMatrix(ptr(a, aOff), lda, strideA), new DeviceMatrix(ptr(b, bOff), ldb, strideB));
    }

    /** With cuBLAS one product per sample (beta 1 after the first); else the PTX SGEMM's summed split. */
    @Override public void gemmBatchSum(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                       Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
                                       float beta, Storage c, int cOff, int ldc, int batch) {
        if (!CudaSgemm.usesCublas()) {
            CudaSgemm.sgemmBatchSum(new Gemm(transA, transB, m, n, k, batch, alpha, beta), new DeviceMatrix(ptr(c, cOff), ldc, 0),
                new DeviceMatrix(ptr(a, aOff), lda, strideA), new DeviceMatrix(ptr(b, bOff), ldb, strideB));
            return;
        }
        GemmBatchSum.oneByOne(this, transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB, beta, c, cOff, ldc, batch);
    }

    // ---- fused neural-network kernels ------------------------------------------------------
    /** The PTX SGEMM adds the bias in its epilogue; cuBLAS has no bias, so with it linear layers copy the rows first. */
    @Override public boolean fusesBias() { return !CudaSgemm.usesCublas(); }

    @Override public void gemmBias(boolean transA, boolean transB, int m, int n, int k, Storage a, int aOff, int lda,
                                   Storage b, int bOff, int ldb, Storage bias, int biasOff, Storage c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (!fusesBias() || k <= 0) throw new IllegalStateException("gemmBias needs the PTX SGEMM and k > 0 (see fusesBias)");
        CudaSgemm.sgemmPtx(Gemm.of(transA, transB, m, n, k, 1f, 0f), new DeviceMatrix(ptr(c, cOff), ldc, 0),
                new DeviceMatrix(ptr(a, aOff), lda, 0), new DeviceMatrix(ptr(b, bOff), ldb, 0), ptr(bias, biasOff));
    }

    @Override public void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols) {
        SoftmaxKernels.softmax(ptr(y, yOff), ptr(x, xOff), rows, cols, log);
    }

    @Override public void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff, int rows, int cols) {
        SoftmaxKernels.softmaxBackward(ptr(gx, gxOff), ptr(y, yOff), ptr(gy, gyOff), rows, cols, log, 1f);
    }

    /** softmax.ptx softmax_attn_fwd: scale, mask and softmax of attention scores in one launch. */
    @Override public void attentionSoftmax(Storage scores, int sOff, float scale, Storage mask, int mOff, boolean maskPerSample,
                                           boolean maskPerQuery, Storage probs, int rows, int cols, int rowsPerSample, int queries) {
        if (rows <= 0 || cols <= 0) return;
        SoftmaxKernels.attentionSoftmax(ptr(probs, 0), ptr(scores, sOff), ptr(mask, mOff), maskPerSample, maskPerQuery,
                new SoftmaxKernels.AttentionRows(rows, cols, rowsPerSample, queries), scale);
    }

    @Override public void attentionSoftmaxBackward(Storage probs, Storage g, int gOff, float scale, Storage gScores, int rows, int cols) {
        if (rows <= 0 || cols <= 0) return;
        SoftmaxKernels.softmaxBackward(ptr(gScores, 0), ptr(probs, 0), ptr(g, gOff), rows, cols, false, scale);
    }

    @Override public void layerNorm(Storage x, int xOff, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd, int rows, int cols) {
        LayerNormKernels.layerNorm(ptr(y, 0), new NormStats(ptr(mean, 0), ptr(rstd, 0)), ptr(x, xOff), new Affine(ptr(w, 0), ptr(b, 0)),
                rows, cols, eps);
    }

    @Override public void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                                            Storage gx, Storage gw, Storage gb, int rows, int cols) {
        if (rows <= 0 || cols <= 0) return;
        LayerNormKernels.layerNormBackward(ptr(gx, 0), new Affine(ptr(gw, 0), ptr(gb, 0)), ptr(gy, 0), ptr(x, xOff),
                new NormStats(ptr(mean, 0), ptr(rstd, 0)), ptr(w, 0), rows, cols);
    }

    /** batchnorm.ptx: bn_stats (statistics and the running update), then bn_apply; x must start at offset 0. */
    @Override public void batchNorm(Storage x, int xOff, Storage w, Storage b, float eps, float momentum, Storage runMean,
                                    Storage runVar, Storage y, Storage mean, Storage invstd, int batch, int channels, int length) {
        if (xOff != 0) throw new IllegalArgumentException("CUDA batchNorm reads x from offset 0, got " + xOff);
        if (batch * channels * length == 0) return;
        BatchNormKernels.Channels s = new BatchNormKernels.Channels(batch, channels, length);
        NormStats stats = new NormStats(ptr(mean, 0), ptr(invstd, 0));
        BatchNormKernels.batchNormStats(stats, ptr(x, 0), s, eps, new BatchNormKernels.Running(ptr(runMean, 0), ptr(runVar, 0)), momentum);
        BatchNormKernels.batchNormApply(ptr(y, 0), ptr(x, 0), stats, new Affine(ptr(w, 0), ptr(b, 0)), s);
    }

    /** bn_bwd_reduce writes dw / db, which bn_bwd_dx reads: temporaries only for the ones the caller does not want. */
    @Override public void batchNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage invstd, Storage gy,
                                            Storage gx, Storage gw, Storage gb, int batch, int channels, int length) {
        if (xOff != 0) throw new IllegalArgumentException("CUDA batchNormBackward reads x from offset 0, got " + xOff);
        if (batch * channels * length == 0) return;
        DeviceBuffer tw = gw == null ? alloc().allocate(channels) : null, tb = gb == null ? alloc().allocate(channels) : null;
        try {
            BatchNormKernels.batchNormBackward(ptr(gx, 0), new Affine(tw != null ? tw.ptr() : ptr(gw, 0),
                tb != null ? tb.ptr() : ptr(gb, 0)),
                    ptr(gy, 0), ptr(x, 0), new NormStats(ptr(mean, 0), ptr(invstd, 0)), ptr(w, 0),
                    new BatchNormKernels.Channels(batch, channels, length));
        } finally {
            if (tw != null) tw.free();
            if (tb != null) tb.free();
        }
    }

    /** gated_prefix_attention.ptx: the op's row-wise work in one launch each way (instead of about six). */
    @Override public void gatedPrefixAttentionForward(Storage q, int qOff, Storage ka, int kaOff, Storage va, int vaOff, Storage gate, int gateOff,
                                         Storage mask, Storage probs, Storage dropped, Storage mixed, Storage out, Storage base,
                                         int baseOff, int b, int heads, int t, int k, int hd, int setStride, int headStride,
                                         int tokStride, float scale) {
        if (b * heads * t == 0) return;
        GatedPrefixAttentionKernels.forward(ptr(out, 0), ptr(base, baseOff),
                new GatedPrefixAttentionKernels.Saved(ptr(probs, 0), ptr(dropped, 0), ptr(mixed, 0)), ptr(q, qOff),
                new GatedPrefixAttentionKernels.Prefix(ptr(ka, kaOff), ptr(va, vaOff), ptr(gate, gateOff), ptr(mask, 0), k, setStride,
                        headStride, tokStride),
                new AttentionDims(b, heads, t, hd, scale));
    }

    @Override public void gatedPrefixAttentionBackward(Storage gout, int gOff, Storage ka, int kaOff, Storage va, int vaOff, Storage gate, int gateOff,
                                          Storage mask, Storage probs, Storage mixed, Storage dq, Storage ds, Storage dmix, Storage gpart,
                                          int b, int heads, int t, int k, int hd, int setStride, int headStride, int tokStride, float scale,
                                          boolean tokens) {
        if (b * heads * t == 0) return;
        GatedPrefixAttentionKernels.backward(new GatedPrefixAttentionKernels.Grads(ptr(dq, 0), ptr(ds, 0), ptr(dmix, 0), ptr(gpart, 0)),
                ptr(gout, gOff), new GatedPrefixAttentionKernels.Saved(ptr(probs, 0), 0L, ptr(mixed, 0)),
                new GatedPrefixAttentionKernels.Prefix(ptr(ka, kaOff), ptr(va, vaOff), ptr(gate, gateOff), ptr(mask, 0), k, setStride,
                        headStride, tokStride),
                new AttentionDims(b, heads, t, hd, scale), tokens);
    }

    @Override public void gatedPrefixAttentionGateGrad(Storage gpart, Storage gate, int gateOff, Storage dgate, int b, int heads, int t) {
        if (heads == 0) return;
        GatedPrefixAttentionKernels.gateGrad(ptr(dgate, 0), ptr(gpart, 0), ptr(gate, gateOff), b, heads, t);
    }

    @Override public void selfAttentionForward(Storage qkv, int qkvOff, Storage mask, int mOff, boolean maskPerSample, Storage drop,
                                               Storage probs, Storage out, int b, int heads, int t, int headDim, float scale,
                                               int[] queryRows) {
        if (b * heads * t == 0) return;
        AttentionKernels.selfAttentionForward(ptr(out, 0), ptr(probs, 0), ptr(qkv, qkvOff), ptr(mask, mOff), maskPerSample, ptr(drop, 0),
                new AttentionDims(b, heads, t, headDim, scale), queryRows == null ? 0L : DeviceInts.address(queryRows));
    }

    @Override public void selfAttentionBackward(Storage qkv, int qkvOff, Storage gout, int gOff, Storage probs, Storage drop,
                                                Storage ds, Storage dqkv, int b, int heads, int t, int headDim, float scale,
                                                int[] queryRows) {
        if (b * heads * t == 0) return;
        AttentionKernels.selfAttentionBackward(ptr(dqkv, 0), ptr(ds, 0), ptr(qkv, qkvOff), ptr(gout, gOff), ptr(probs, 0), ptr(drop, 0),
                new AttentionDims(b, heads, t, headDim, scale), queryRows == null ? 0L : DeviceInts.address(queryRows));
    }

    @Override public void im2col(Storage x, int xOff, int b, int cin, int len, int k, Storage col) {
        if ((long) b * cin * len == 0) return;
        ConvKernels.im2col1d(ptr(col, 0), ptr(x, xOff), b, cin, len, k, k / 2);
    }

    @Override public void gatherRows(Storage table, int tOff, int cols, int[] ids, Storage out) {
        if (ids.length == 0) return;
        EmbeddingKernels.embedding(ptr(out, 0), ptr(table, tOff), DeviceInts.address(ids), ids.length, cols);
    }

    @Override public void scatterAddRows(Storage gout, int cols, int[] ids, Storage gtable, int tOff) {
        if (ids.length == 0) return;
        EmbeddingKernels.embeddingBackward(ptr(gtable, tOff), ptr(gout, 0), DeviceInts.address(ids), ids.length, cols);
    }

    @Override public void crossEntropy(Storage logits, int lOff, int[] targets, int ignoreIndex, Storage loss, Storage lse, int rows, int cols) {
        if (rows <= 0) return;
        CrossEntropyKernels.crossEntropy(ptr(loss, 0), ptr(lse, 0), ptr(logits, lOff),
                new CrossEntropyKernels.Targets(DeviceInts.address(targets), rows, ignoreIndex), cols);
    }

    @Override public void crossEntropyBackward(Storage logits, int lOff, Storage lse, int[] targets, int ignoreIndex, Storage gout, int goutOff,
                                               float scale, Storage glogits, int rows, int cols) {
        if (rows <= 0) return;
        CrossEntropyKernels.crossEntropyBackward(ptr(glogits, 0), ptr(logits, lOff), ptr(lse, 0),
                new CrossEntropyKernels.Targets(DeviceInts.address(targets), rows, ignoreIndex), cols,
                new CrossEntropyKernels.Upstream(ptr(gout, goutOff), 0, 0L, scale));
    }

    /** mask = 1, then dropout_fwd(out = mask, in = mask) with the CPU's keep scale 1f / (1f - p): exactly the CPU's mask. */
    @Override public void dropoutMask(long seed, float p, Storage mask, int n) {
        if (n <= 0) return;
        buf(mask).fill(1f, 0, n);
        long m = ptr(mask, 0);
        DropoutKernels.dropout(m, 0L, m, n, p, 1f / (1f - p), seed, 0L);
    }

    /**
     * adamw_multi: one launch for every tensor of an optimizer step. Its table of addresses goes through
     * the content-keyed device cache: when the gradients come back at the same addresses (the caching
     * allocator usually gives them), later steps upload nothing.
     */
    @Override public void adamw(Storage[] params, Storage[] grads, Storage[] ms, Storage[] vs, int[] sizes, float lr, float beta1,
                                float beta2, float eps, float weightDecay, float bias1, float bias2) {
        int[] table = new int[10 * params.length];
        int maxN = 0;
        for (int i = 0; i < params.length; i++) {
            long[] a = {ptr(params[i], 0), ptr(grads[i], 0), ptr(ms[i], 0), ptr(vs[i], 0)};
            for (int j = 0; j < 4; j++) {
                table[10 * i + 2 * j] = (int) a[j];
                table[10 * i + 2 * j + 1] = (int) (a[j] >>> 32);
            }
            table[10 * i + 8] = sizes[i];
            maxN = Math.max(maxN, sizes[i]);
        }
        AdamWKernels.adamwMulti(DeviceInts.address(table), params.length, maxN,
                new AdamWKernels.Step(lr, beta1, beta2, eps, weightDecay, bias1, bias2));
    }

    @Override public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                                float eps, float weightDecay, float bias1, float bias2) {
        AdamWKernels.adamw(ptr(param, 0), ptr(grad, 0), ptr(m, 0), ptr(v, 0), n, new AdamWKernels.Step(lr, beta1, beta2, eps, weightDecay,
                bias1, bias2));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** A view read densely: the view itself when contiguous, else a gathered temporary that close() frees. */
    private static final class Dense implements AutoCloseable {
        final long ptr;
        private final DeviceBuffer tmp;

        private Dense(long ptr, DeviceBuffer tmp) { this.ptr = ptr; this.tmp = tmp; }

        static Dense of(View v) {
            if (Shapes.isContiguous(v.shape(), v.strides())) return new Dense(ptr(v.storage(), v.offset()), null);
            DeviceBuffer t = alloc().allocate(v.numel());
            gather(v, t.ptr());
            return new Dense(t.ptr(), t);
        }

        @Override public void close() { if (tmp != null) tmp.free(); } // later reuse is stream-ordered
    }

    /**
     * A shape and the strides of one or more views over it, simplified for the strided kernels
     * (at most 8 dims): size-1 dims dropped, and a dim merged into the next inner one where every
     * view steps through both as one (stride_outer == stride_inner * size_inner). Rank 0 becomes [1].
     */
    static final class Layout {
        final int[] shape;
        final int[][] strides;

        private Layout(int[] shape, int[][] strides) { this.shape = shape; this.strides = strides; }

        static Layout of(int[] shape, int[]... strides) {
            int k = strides.length, r = 0;
            int[] sh = new int[Math.max(1, shape.length)];
            int[][] st = new int[k][Math.max(1, shape.length)];
            for (int d = shape.length - 1; d >= 0; d--) { // inner to outer, kept dims in reverse order
                if (shape[d] == 1) continue;
                boolean merge = r > 0;
                for (int j = 0; j < k && merge; j++) merge = strides[j][d] == st[j][r - 1] * sh[r - 1];
                if (merge) { sh[r - 1] *= shape[d]; continue; }
                sh[r] = shape[d];
                for (int j = 0; j < k; j++) st[j][r] = strides[j][d];
                r++;
            }
            if (r == 0) { sh[0] = 1; r = 1; } // every dim had size 1: one element, strides 0
            if (r > 8) throw new UnsupportedOperationException("strided CUDA kernels take at most 8 dims after merging, got " + r
                    + " for shape " + Shapes.str(shape));
            int[] outShape = new int[r];
            int[][] outStrides = new int[k][r];
            for (int i = 0; i < r; i++) {
                outShape[i] = sh[r - 1 - i];
                for (int j = 0; j < k; j++) outStrides[j][i] = st[j][r - 1 - i];
            }
            return new Layout(outShape, outStrides);
        }
    }
}
