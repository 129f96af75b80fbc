package io.medualtime.tensor.cuda;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.Affine;
import io.medualtime.tensor.backend.AttentionDims;
import io.medualtime.tensor.backend.AttentionMask;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.backend.FusedGatedPrefixAttention;
import io.medualtime.tensor.backend.FusedAttentionSoftmax;
import io.medualtime.tensor.backend.FusedIm2Col;
import io.medualtime.tensor.backend.GemmBatchSum;
import io.medualtime.tensor.backend.FusedSelfAttention;
import io.medualtime.tensor.backend.GemmBias;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;
import io.medualtime.tensor.backend.MultiTensorAdamW;
import io.medualtime.tensor.backend.NormStats;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.RunningStats;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.Targets;
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
public final class CudaBackend
        implements Backend, FusedGatedPrefixAttention, FusedAttentionSoftmax, FusedIm2Col, FusedSelfAttention, GemmBatchSum,
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
    private static long ptr(Storage s, int off) {
        return s == null ? 0L : buf(s).at(off);
    }

    /** Device address of a span's first element; 0 for a null span. */
    private static long ptr(Span s) {
        return s == null ? 0L : ptr(s.storage(), s.offset());
    }

    @Override public Device device() { return Device.CUDA; }

    // ---- memory ----------------------------------------------------------------------------
    @Override public Storage allocate(int n) { return new CudaStorage(alloc().allocateZeroed(n), n); }
    @Override public Storage allocateUninitialized(int n) { return new CudaStorage(alloc().allocate(n), n); }
    @Override public Storage fromHost(float[] data) { return new CudaStorage(alloc().upload(data), data.length); }
    @Override public float[] toHost(Span src, int n) {
        float[] out = new float[n];
        buf(src.storage()).copyTo(out, 0, src.offset(), n);
        return out;
    }
    @Override public void fill(Span dst, int n, float value) { buf(dst.storage()).fill(value, dst.offset(), n); }

    /**
     * Dense to dense: a device memcpy. Otherwise the source is read densely (itself or a gathered
     * temporary) and written with copy_to_strided, or added with atomics (copy_to_strided_add) since
     * accumulating destinations may overlap; a dense accumulating destination uses a plain add.
     */
    @Override public void copy(View dst, View src, boolean accumulate) {
        int n = src.numel();
        if (n == 0) return;
        boolean dstDense = Shapes.isContiguous(dst.shape(), dst.strides());
        if (!accumulate && dstDense) {
            if (Shapes.isContiguous(src.shape(), src.strides()))
                buf(dst.storage()).copyFrom(buf(src.storage()), src.offset(), dst.offset(), n);
            else
                gather(src, ptr(dst.storage(), dst.offset()));
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
    @Override public void unary(UnaryOp op, Span out, Span x, int n, float p) {
        if (n <= 0) return;
        if (op == UnaryOp.GELU || op == UnaryOp.GELU_ERF) GeluKernels.gelu(ptr(out), ptr(x), n, op == UnaryOp.GELU_ERF);
        else ElementwiseKernels.unary(op, ptr(out), ptr(x), n, p);
    }

    @Override public void unaryBackward(UnaryOp op, Span gin, Span x, Span g, int n, float p) {
        if (n <= 0) return;
        switch (op) {
            case GELU:
            case GELU_ERF:
                GeluKernels.geluBackward(ptr(gin), ptr(x), ptr(g), n, op == UnaryOp.GELU_ERF);
                break;
            case TANH:
            case SIGMOID:
            case RELU:
            case CLAMP_MIN:
            case ABS:
                ElementwiseKernels.unaryBackward(op, ptr(gin), ptr(x), ptr(g), n, p);
                break;
            default:
                throw new UnsupportedOperationException("no fused backward for " + op);
        }
    }

    @Override public void binary(BinaryOp op, Span outSpan, View a, View b) {
        Storage out = outSpan.storage();
        int outOff = outSpan.offset();
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

    @Override public void where(Span out, View cond, View a, View b) {
        int n = a.numel();
        if (n == 0) return;
        try (Dense c = Dense.of(cond); Dense x = Dense.of(a); Dense y = Dense.of(b)) {
            ElementwiseKernels.where(ptr(out), c.ptr, x.ptr, y.ptr, n);
        }
    }

    // ---- reductions ------------------------------------------------------------------------
    @Override public void reduce(ReduceOp op, Span out, Span x, int outer, int dim, int inner) {
        ReduceKernels.reduce(op, ptr(out), ptr(x), outer, dim, inner);
    }

    // ---- matrix products -------------------------------------------------------------------
    @Override public void gemm(Matrix c, Matrix a, Matrix b, GemmShape s, float alpha, float beta) {
        CudaSgemm.sgemm(gemm(s, alpha, beta), operand(c), operand(a), operand(b));
    }

    /** With cuBLAS one product per sample (beta 1 after the first); else the PTX SGEMM's summed split. */
    @Override public void gemmBatchSum(Matrix c, Matrix a, Matrix b, GemmShape s, float alpha, float beta) {
        if (!CudaSgemm.usesCublas()) {
            CudaSgemm.sgemmBatchSum(gemm(s, alpha, beta), operand(c).withStride(0), operand(a), operand(b));
            return;
        }
        GemmBatchSum.oneByOne(this, c, a, b, s, alpha, beta);
    }

    private static Gemm gemm(GemmShape s, float alpha, float beta) {
        return new Gemm(s, alpha, beta);
    }

    private static DeviceMatrix operand(Matrix m) { return new DeviceMatrix(ptr(m.storage(), m.offset()), m.ld(), m.batchStride()); }

    // ---- fused neural-network kernels ------------------------------------------------------
    /** The PTX SGEMM adds the bias in its epilogue; cuBLAS has no bias, so with it linear layers copy the rows first. */
    @Override public boolean fusesBias() {
        return !CudaSgemm.usesCublas();
    }

    @Override public void gemmBias(Matrix c, Matrix a, Matrix b, Span bias, GemmShape s) {
        int m = s.m(), n = s.n(), k = s.k();
        if (m <= 0 || n <= 0) return;
        if (!fusesBias() || k <= 0) throw new IllegalStateException("gemmBias needs the PTX SGEMM and k > 0 (see fusesBias)");
        CudaSgemm.sgemmPtx(gemm(s.with(k, 1), 1f, 0f), operand(c).withStride(0), operand(a).withStride(0), operand(b).withStride(0),
                ptr(bias));
    }

    @Override public void softmax(Span y, Span x, int rows, int cols, boolean log) {
        SoftmaxKernels.softmax(ptr(y), ptr(x), rows, cols, log);
    }

    @Override public void softmaxBackward(Span gx, Span y, Span gy, int rows, int cols, boolean log) {
        SoftmaxKernels.softmaxBackward(ptr(gx), ptr(y), ptr(gy), rows, cols, log, 1f);
    }

    /** softmax.ptx softmax_attn_fwd: scale, mask and softmax of attention scores in one launch. */
    @Override public void attentionSoftmax(Storage probs, Span scores, AttentionMask mask, int rows, int cols, int rowsPerSample,
            int queries,
            float scale) {
        if (rows <= 0 || cols <= 0) return;
        SoftmaxKernels.attentionSoftmax(ptr(probs, 0), ptr(scores), ptr(mask.values()), mask.perSample(), mask.perQuery(),
                new SoftmaxKernels.AttentionRows(rows, cols, rowsPerSample, queries), scale);
    }

    @Override public void attentionSoftmaxBackward(Storage gScores, Storage probs, Span g, int rows, int cols, float scale) {
        if (rows <= 0 || cols <= 0) return;
        SoftmaxKernels.softmaxBackward(ptr(gScores, 0), ptr(probs, 0), ptr(g), rows, cols, false, scale);
    }

    @Override public void layerNorm(Storage y, NormStats saved, Span x, Affine affine, int rows, int cols, float eps) {
        LayerNormKernels.layerNorm(ptr(y, 0), stats(saved), ptr(x), affine(affine), rows, cols, eps);
    }

    @Override public void layerNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, int rows, int cols) {
        if (rows <= 0 || cols <= 0) return;
        LayerNormKernels.layerNormBackward(ptr(gx, 0), affine(grads), ptr(gy, 0), ptr(x), stats(saved), ptr(w, 0), rows, cols);
    }

    private static DeviceNormStats stats(NormStats s) { return new DeviceNormStats(ptr(s.mean(), 0), ptr(s.rstd(), 0)); }

    private static DeviceAffine affine(Affine a) { return new DeviceAffine(ptr(a.weight(), 0), ptr(a.bias(), 0)); }

    /** batchnorm.ptx: bn_stats (statistics and the running update), then bn_apply; x must start at offset 0. */
    @Override public void batchNorm(Storage y, NormStats saved, Span xs, Affine affine, RunningStats running, ChannelShape shape,
            float eps) {
        int xOff = xs.offset();
        if (xOff != 0) throw new IllegalArgumentException("CUDA batchNorm reads x from offset 0, got " + xOff);
        if (shape.numel() == 0) return;
        BatchNormKernels.batchNormStats(stats(saved), ptr(xs), shape, eps,
                new BatchNormKernels.Running(ptr(running.mean(), 0), ptr(running.var(), 0)), running.momentum());
        BatchNormKernels.batchNormApply(ptr(y, 0), ptr(xs), stats(saved), affine(affine), shape);
    }

    /** bn_bwd_reduce writes dw / db, which bn_bwd_dx reads: temporaries only for the ones the caller does not want. */
    @Override public void batchNormBackward(Storage gx, Affine grads, Storage gy, Span xs, NormStats saved, Storage w, ChannelShape shape) {
        Storage gw = grads.weight(), gb = grads.bias();
        int xOff = xs.offset(), channels = shape.channels();
        if (xOff != 0) throw new IllegalArgumentException("CUDA batchNormBackward reads x from offset 0, got " + xOff);
        if (shape.numel() == 0) return;
        DeviceBuffer tw = gw == null ? alloc().allocate(channels) : null, tb = gb == null ? alloc().allocate(channels) : null;
        try {
            DeviceAffine dwdb = new DeviceAffine(tw != null ? tw.ptr() : ptr(gw, 0), tb != null ? tb.ptr() : ptr(gb, 0));
            BatchNormKernels.batchNormBackward(ptr(gx, 0), dwdb, ptr(gy, 0), ptr(xs), stats(saved), ptr(w, 0), shape);
        } finally {
            if (tw != null) tw.free();
            if (tb != null) tb.free();
        }
    }

    /** gated_prefix_attention.ptx: the op's row-wise work in one launch each way (instead of about six). */
    @Override public void gatedPrefixAttentionForward(Storage out, Saved saved, Span q, Tokens kv, Span gate, Storage mask, Span base,
            AttentionDims d) {
        if (d.rows() == 0) return;
        GatedPrefixAttentionKernels.forward(ptr(out, 0), ptr(base),
                new GatedPrefixAttentionKernels.Saved(ptr(saved.probs(), 0), ptr(saved.dropped(), 0), ptr(saved.mixed(), 0)), ptr(q),
                prefix(kv, gate, mask), d);
    }

    @Override public void gatedPrefixAttentionBackward(Grads grads, Span gout, Tokens kv, Span gate, Storage mask, Saved saved,
            AttentionDims d, boolean tokens) {
        if (d.rows() == 0) return;
        GatedPrefixAttentionKernels.backward(
                new GatedPrefixAttentionKernels.Grads(ptr(grads.dq(), 0), ptr(grads.ds(), 0), ptr(grads.dmix(), 0), ptr(grads.gpart(), 0)),
                ptr(gout), new GatedPrefixAttentionKernels.Saved(ptr(saved.probs(), 0), 0L, ptr(saved.mixed(), 0)), prefix(kv, gate, mask),
                d, tokens);
    }

    @Override public void gatedPrefixAttentionGateGrad(Storage dgate, Storage gpart, Span gate, int b, int heads, int t) {
        if (heads == 0) return;
        GatedPrefixAttentionKernels.gateGrad(ptr(dgate, 0), ptr(gpart, 0), ptr(gate), b, heads, t);
    }

    private static GatedPrefixAttentionKernels.Prefix prefix(Tokens kv, Span gate, Storage mask) {
        return new GatedPrefixAttentionKernels.Prefix(ptr(kv.keys()), ptr(kv.values()), ptr(gate), ptr(mask, 0), kv.count(), kv.setStride(),
                kv.headStride(), kv.tokStride());
    }

    @Override public void selfAttentionForward(Storage out, Storage probs, Span qkv, AttentionMask mask, Storage drop, AttentionDims d,
            int[] queryRows) {
        if (d.rows() == 0) return;
        AttentionKernels.selfAttentionForward(ptr(out, 0), ptr(probs, 0), ptr(qkv), ptr(mask.values()), mask.perSample(), ptr(drop, 0), d,
                queryRows == null ? 0L : DeviceInts.address(queryRows));
    }

    @Override public void selfAttentionBackward(Storage dqkv, Storage ds, Span gout, Span qkv, Storage probs, Storage drop, AttentionDims d,
            int[] queryRows) {
        if (d.rows() == 0) return;
        AttentionKernels.selfAttentionBackward(ptr(dqkv, 0), ptr(ds, 0), ptr(qkv), ptr(gout), ptr(probs, 0), ptr(drop, 0), d,
                queryRows == null ? 0L : DeviceInts.address(queryRows));
    }

    @Override public void im2col(Storage col, Span x, ChannelShape shape, int k) {
        if (shape.numel() == 0) return;
        ConvKernels.im2col1d(ptr(col, 0), ptr(x), shape.batch(), shape.channels(), shape.length(), k, k / 2);
    }

    @Override public void gatherRows(Storage out, Span table, int[] ids, int cols) {
        if (ids.length == 0) return;
        EmbeddingKernels.embedding(ptr(out, 0), ptr(table), DeviceInts.address(ids), ids.length, cols);
    }

    @Override public void scatterAddRows(Span gtable, Storage gout, int[] ids, int cols) {
        if (ids.length == 0) return;
        EmbeddingKernels.embeddingBackward(ptr(gtable), ptr(gout, 0), DeviceInts.address(ids), ids.length, cols);
    }

    @Override public void crossEntropy(Storage loss, Storage lse, Span logits, Targets targets, int rows, int cols) {
        if (rows <= 0) return;
        CrossEntropyKernels.crossEntropy(ptr(loss, 0), ptr(lse, 0), ptr(logits), onDevice(targets, rows), cols);
    }

    @Override public void crossEntropyBackward(Storage glogits, Span logits, Storage lse, Targets targets, Span gout, int rows, int cols,
            float scale) {
        if (rows <= 0) return;
        CrossEntropyKernels.crossEntropyBackward(ptr(glogits, 0), ptr(logits), ptr(lse, 0), onDevice(targets, rows), cols,
                new CrossEntropyKernels.Upstream(ptr(gout), 0, 0L, scale));
    }

    private static CrossEntropyKernels.DeviceTargets onDevice(Targets t, int rows) {
        return new CrossEntropyKernels.DeviceTargets(DeviceInts.address(t.classes()), rows, t.ignoreIndex());
    }

    /** mask = 1, then dropout_fwd(out = mask, in = mask) with the CPU's keep scale 1f / (1f - p): exactly the CPU's mask. */
    @Override public void dropoutMask(Storage mask, int n, float p, long seed) {
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
    @Override public void adamw(Storage[] params, Storage[] ms, Storage[] vs, Storage[] grads, int[] sizes, AdamWStep step) {
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
        AdamWKernels.adamwMulti(DeviceInts.address(table), params.length, maxN, step);
    }

    @Override public void adamw(Storage param, Storage m, Storage v, Storage grad, int n, AdamWStep step) {
        AdamWKernels.adamw(ptr(param, 0), ptr(grad, 0), ptr(m, 0), ptr(v, 0), n, step);
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
            if (r > 8)
                throw new UnsupportedOperationException("strided CUDA kernels take at most 8 dims after merging, got " + r
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
