package io.medualtime.tensor.cuda;

/**
 * Typed launchers for the handwritten PTX kernels in {@code kernels/*.ptx}. All buffers are contiguous
 * float32 (ids / targets: int32); launch shapes are chosen here. Work is queued on the default stream
 * (asynchronous; copies back to the host synchronise).
 *
 * <p>Each launcher exists twice: on {@link DeviceBuffer}s (element 0) and on raw 64-bit device
 * addresses ({@code long}), e.g. {@code buf.at(elementOffset)}, for operands that start inside a buffer
 * (what {@link CudaBackend} passes). The buffer form delegates to the address form; a null buffer or a
 * 0 address is passed to the kernel as a null pointer where the kernel allows it.
 */
public final class CudaKernels {

    private CudaKernels() {}

    // unary op codes (elementwise.ptx unary_f32; TANH, SIGMOID, RELU, ABS, CLAMP_MIN also unary_bwd_f32)
    public static final int NEG = 0, EXP = 1, LOG = 2, SQRT = 3, TANH = 4, SIGMOID = 5, RELU = 6,
        ADD_SCALAR = 7, MUL_SCALAR = 8, POW_SCALAR = 9, FILL = 10, ABS = 11, RSQRT = 12, RECIP = 13,
        SQUARE = 14, RSUB_SCALAR = 15, CLAMP_MIN = 16;
    // binary op codes (elementwise.ptx binary_f32 / binary_strided)
    public static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAX = 5, MIN = 6,
        GT = 7, LT = 8, GE = 9, LE = 10, EQ = 11, RELU_BACKWARD = 12;
    // reduce op codes (reduce.ptx)
    public static final int R_SUM = 0, R_MAX = 1, R_MIN = 2, R_SUMSQ = 3;
    public static final int IGNORE_INDEX = -100;

    private static final int BLOCK = 256;
    private static final int MAX_GRID_Y = 65535;

    private static CudaRuntime rt() { return CudaRuntime.get(); }

    /** The address of element 0; 0 (a null pointer) for a null buffer. */
    private static long p(DeviceBuffer b) { return b == null ? 0L : b.ptr(); }

    private static void grid1d(String module, String kernel, long n, Object... args) {
        if (n <= 0) return;
        CudaRuntime r = rt();
        r.launch(module, kernel, r.gridFor(n), 1, 1, BLOCK, 1, 1, 0, args);
    }

    private static void rowBlocks(String module, String kernel, int rows, Object... args) {
        if (rows <= 0) return;
        rt().launch(module, kernel, Math.min(rows, MAX_GRID_Y), 1, 1, BLOCK, 1, 1, 0, args);
    }

    // ------------------------------------------------------------------ elementwise.ptx

    /** out[i] = f_op(in[i], s) for i &lt; n (see the op-code constants). */
    public static void unary(int op, DeviceBuffer out, DeviceBuffer in, int n, float s) {
        unary(op, p(out), op == FILL ? 0L : p(in), n, s);
    }

    public static void unary(int op, long out, long in, int n, float s) {
        grid1d("elementwise", "unary_f32", n, op, out, op == FILL ? 0L : in, n, s);
    }

    /** gin[i] = g[i] * f_op'(x[i]; s) for op TANH, SIGMOID, RELU, ABS or CLAMP_MIN. */
    public static void unaryBackward(int op, long gin, long x, long g, int n, float s) {
        grid1d("elementwise", "unary_bwd_f32", n, op, gin, x, g, n, s);
    }

    public static void neg(DeviceBuffer out, DeviceBuffer in, int n) { unary(NEG, out, in, n, 0f); }
    public static void exp(DeviceBuffer out, DeviceBuffer in, int n) { unary(EXP, out, in, n, 0f); }
    public static void log(DeviceBuffer out, DeviceBuffer in, int n) { unary(LOG, out, in, n, 0f); }
    public static void sqrt(DeviceBuffer out, DeviceBuffer in, int n) { unary(SQRT, out, in, n, 0f); }
    public static void tanh(DeviceBuffer out, DeviceBuffer in, int n) { unary(TANH, out, in, n, 0f); }
    public static void sigmoid(DeviceBuffer out, DeviceBuffer in, int n) { unary(SIGMOID, out, in, n, 0f); }
    public static void relu(DeviceBuffer out, DeviceBuffer in, int n) { unary(RELU, out, in, n, 0f); }
    public static void addScalar(DeviceBuffer out, DeviceBuffer in, int n, float s) { unary(ADD_SCALAR, out, in, n, s); }
    public static void mulScalar(DeviceBuffer out, DeviceBuffer in, int n, float s) { unary(MUL_SCALAR, out, in, n, s); }
    public static void powScalar(DeviceBuffer out, DeviceBuffer in, int n, float s) { unary(POW_SCALAR, out, in, n, s); }
    public static void fill(DeviceBuffer out, int n, float s) { unary(FILL, out, null, n, s); }

    /** out[i] = g_op(a[i], b[i]) for same-shape contiguous operands. */
    public static void binary(int op, DeviceBuffer out, DeviceBuffer a, DeviceBuffer b, int n) {
        binary(op, p(out), p(a), p(b), n);
    }

    public static void binary(int op, long out, long a, long b, int n) {
        grid1d("elementwise", "binary_f32", n, op, out, a, b, n);
    }

    /** out = g * (x > 0). */
    public static void reluBackward(DeviceBuffer out, DeviceBuffer x, DeviceBuffer g, int n) {
        binary(RELU_BACKWARD, out, x, g, n);
    }

    /** out[i] = cond[i] != 0 ? a[i] : b[i] (contiguous; a NaN condition counts as true). */
    public static void where(long out, long cond, long a, long b, int n) {
        grid1d("elementwise", "where_f32", n, out, cond, a, b, n);
    }

    private static int prod(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements");
        return (int) n;
    }

    private static void checkDims(int[] shape, int[]... strides) {
        if (shape.length < 1 || shape.length > 8) throw new IllegalArgumentException("ndim must be 1..8, got " + shape.length);
        for (int[] s : strides)
            if (s.length != shape.length) throw new IllegalArgumentException("stride rank " + s.length + " != " + shape.length);
    }

    /**
     * Broadcasting binary op: out (contiguous, shape) = g_op(a[strided], b[strided]); strides in
     * elements, 0 for broadcast dims; {@code aOff}/{@code bOff} are element offsets of the views.
     */
    public static void binaryStrided(int op, DeviceBuffer out, DeviceBuffer a, long aOff, int[] aStrides,
                                     DeviceBuffer b, long bOff, int[] bStrides, int[] shape) {
        binaryStrided(op, p(out), a.at(aOff), aStrides, b.at(bOff), bStrides, shape);
    }

    /** As above with a and b the addresses of the views' first elements. */
    public static void binaryStrided(int op, long out, long a, int[] aStrides, long b, int[] bStrides, int[] shape) {
        checkDims(shape, aStrides, bStrides);
        int n = prod(shape);
        if (n == 0) return;
        int nd = shape.length;
        int[] meta = new int[3 * nd];
        System.arraycopy(shape, 0, meta, 0, nd);
        System.arraycopy(aStrides, 0, meta, nd, nd);
        System.arraycopy(bStrides, 0, meta, 2 * nd, nd);
        DeviceBuffer m = deviceInts(meta);
        grid1d("elementwise", "binary_strided", n, op, out, a, b, n, nd, m.at(0), m.at(nd), m.at(2L * nd));
    }

    /** out (contiguous, shape) = in[inOffset + sum idx_k * inStrides_k]. */
    public static void copyStrided(DeviceBuffer out, DeviceBuffer in, long inOffset, int[] inStrides, int[] shape) {
        copyStrided(p(out), in, inOffset, inStrides, shape);
    }

    public static void copyStrided(long out, DeviceBuffer in, long inOffset, int[] inStrides, int[] shape) {
        stridedCopy("copy_strided", out, in.ptr(), inOffset, inStrides, shape);
    }

    /** out[outOffset + sum idx_k * outStrides_k] = in (contiguous, shape). */
    public static void copyToStrided(DeviceBuffer out, long outOffset, int[] outStrides, DeviceBuffer in, int[] shape) {
        copyToStrided(out, outOffset, outStrides, p(in), shape, false);
    }

    /**
     * out[outOffset + sum idx_k * outStrides_k] = (or, with {@code accumulate}, +=) in (contiguous,
     * shape). Accumulation uses atomic adds, so destinations may overlap (the order of the additions
     * is then unspecified).
     */
    public static void copyToStrided(DeviceBuffer out, long outOffset, int[] outStrides, long in, int[] shape,
                                     boolean accumulate) {
        stridedCopy(accumulate ? "copy_to_strided_add" : "copy_to_strided", out.ptr(), in, outOffset, outStrides, shape);
    }

    private static void stridedCopy(String kernel, long out, long in, long off, int[] strides, int[] shape) {
        checkDims(shape, strides);
        int n = prod(shape);
        if (n == 0) return;
        int nd = shape.length;
        int[] meta = new int[2 * nd];
        System.arraycopy(shape, 0, meta, 0, nd);
        System.arraycopy(strides, 0, meta, nd, nd);
        DeviceBuffer m = deviceInts(meta);
        grid1d("elementwise", kernel, n, out, in, n, nd, m.at(0), m.at(nd), off);
    }

    /**
     * A device copy of small int data that kernels only read: shape/stride tables of the strided
     * kernels, and the ids / targets the backend receives as host arrays. An upload from pageable
     * host memory waits for the GPU to drain, so one per call serialised every such op with the host;
     * the same values come back all the time (a model meets few layouts, an embedding's ids return in
     * its backward, positions and row indices every step). Kept by content; emptied if it ever holds
     * more than CONSTANTS_MAX_INTS (freed blocks are reused only after the kernels queued before them,
     * which run in stream order).
     */
    static DeviceBuffer deviceInts(int[] values) {
        IntsKey key = new IntsKey(values);
        DeviceBuffer m = CONSTANTS.get(key);
        if (m != null) return m;
        synchronized (CONSTANTS) {
            if (constantInts + values.length > CONSTANTS_MAX_INTS) {
                for (DeviceBuffer b : CONSTANTS.values()) b.free();
                CONSTANTS.clear();
                constantInts = 0;
            }
            return CONSTANTS.computeIfAbsent(new IntsKey(values.clone()), k -> {   // a copy: callers may reuse their array
                constantInts += k.values.length;
                return DeviceAllocator.get().upload(k.values);
            });
        }
    }

    private static final int CONSTANTS_MAX_INTS = 1 << 22;
    private static long constantInts;
    private static final java.util.concurrent.ConcurrentHashMap<IntsKey, DeviceBuffer> CONSTANTS = new java.util.concurrent.ConcurrentHashMap<>();

    private record IntsKey(int[] values) {
        @Override public boolean equals(Object o) { return o instanceof IntsKey k && java.util.Arrays.equals(values, k.values); }
        @Override public int hashCode() { return java.util.Arrays.hashCode(values); }
    }

    // ------------------------------------------------------------------ reduce.ptx

    /** out[outer, inner] = op over the middle axis of in[outer, dim, inner] (deterministic). */
    public static void reduce(int op, DeviceBuffer out, DeviceBuffer in, int outer, int dim, int inner) {
        reduce(op, p(out), p(in), outer, dim, inner);
    }

    public static void reduce(int op, long out, long in, int outer, int dim, int inner) {
        if (outer <= 0 || inner <= 0) return;
        if (inner == 1) {
            rowBlocks("reduce", "reduce_rows", outer, op, out, in, outer, dim);
        } else {
            grid1d("reduce", "reduce_cols", (long) outer * inner, op, out, in, outer, dim, inner);
        }
    }

    /** out[0] = sum of in[0..n). */
    public static void sum(DeviceBuffer out, DeviceBuffer in, int n) { reduce(R_SUM, out, in, 1, n, 1); }

    // ------------------------------------------------------------------ softmax.ptx

    public static void softmax(DeviceBuffer out, DeviceBuffer in, int rows, int cols, boolean log) {
        softmax(p(out), p(in), rows, cols, log);
    }

    public static void softmax(long out, long in, int rows, int cols, boolean log) {
        rowBlocks("softmax", "softmax_fwd", rows, out, in, rows, cols, log);
    }

    /** y is the forward output. */
    public static void softmaxBackward(DeviceBuffer dx, DeviceBuffer y, DeviceBuffer dy, int rows, int cols, boolean log) {
        softmaxBackward(p(dx), p(y), p(dy), rows, cols, log);
    }

    public static void softmaxBackward(long dx, long y, long dy, int rows, int cols, boolean log) {
        softmaxBackward(dx, y, dy, rows, cols, log, 1f);
    }

    /** As above, the result times {@code scale} (the backward of softmax(scale * x + ...)). */
    public static void softmaxBackward(long dx, long y, long dy, int rows, int cols, boolean log, float scale) {
        rowBlocks("softmax", "softmax_bwd", rows, dx, y, dy, rows, cols, log, scale);
    }

    /** Attention's softmax(scale * scores + mask), see softmax.ptx softmax_attn_fwd. */
    public static void attentionSoftmax(long out, long in, long mask, int rows, int cols, float scale, int rowsPerSample,
                                        int queries, boolean maskPerSample, boolean maskPerQuery) {
        rowBlocks("softmax", "softmax_attn_fwd", rows, out, in, mask, rows, cols, scale, rowsPerSample, queries,
            maskPerSample ? 1 : 0, maskPerQuery ? 1 : 0);
    }

    // ------------------------------------------------------------------ layernorm.ptx

    /** w, b, mean, rstd may be null. */
    public static void layerNorm(DeviceBuffer out, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer x,
                                 DeviceBuffer w, DeviceBuffer b, int rows, int c, float eps) {
        layerNorm(p(out), p(mean), p(rstd), p(x), p(w), p(b), rows, c, eps);
    }

    public static void layerNorm(long out, long mean, long rstd, long x, long w, long b,
                                 int rows, int c, float eps) {
        rowBlocks("layernorm", "layernorm_fwd", rows, out, mean, rstd, x, w, b, rows, c, eps);
    }

    /**
     * dx (may be null), dw and db (null to skip) from dy and the saved mean/rstd; dw/db are OVERWRITTEN,
     * computed deterministically (per-chunk partial sums, then a fixed-order sum over chunks).
     */
    public static void layerNormBackward(DeviceBuffer dx, DeviceBuffer dw, DeviceBuffer db, DeviceBuffer dy,
                                         DeviceBuffer x, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer w,
                                         int rows, int c) {
        layerNormBackward(p(dx), p(dw), p(db), p(dy), p(x), p(mean), p(rstd), p(w), rows, c);
    }

    /** As above on device addresses; 0 for an absent dx, dw or db. */
    public static void layerNormBackward(long dx, long dw, long db, long dy, long x, long mean,
                                         long rstd, long w, int rows, int c) {
        if (rows <= 0 || c <= 0) return;
        if (dx != 0) rowBlocks("layernorm", "layernorm_bwd_dx", rows, dx, dy, x, mean, rstd, w, rows, c);
        if (dw == 0 && db == 0) return;
        int chunk = 32;
        int nChunks = (rows + chunk - 1) / chunk;
        while (nChunks > MAX_GRID_Y) { chunk *= 2; nChunks = (rows + chunk - 1) / chunk; }
        DeviceAllocator alloc = DeviceAllocator.get();
        DeviceBuffer pdw = alloc.allocate((long) nChunks * c);
        DeviceBuffer pdb = db != 0 ? alloc.allocate((long) nChunks * c) : null;
        try {
            rt().launch("layernorm", "layernorm_bwd_dwdb", (c + BLOCK - 1) / BLOCK, nChunks, 1, BLOCK, 1, 1, 0,
                pdw, pdb, dy, x, mean, rstd, rows, c, chunk);
            if (dw != 0) reduce(R_SUM, dw, p(pdw), 1, nChunks, c);
            if (db != 0) reduce(R_SUM, db, p(pdb), 1, nChunks, c);
        } finally {
            pdw.free();
            if (pdb != null) pdb.free();
        }
    }

    // ------------------------------------------------------------------ gelu.ptx

    public static void gelu(DeviceBuffer out, DeviceBuffer in, int n) { gelu(p(out), p(in), n, false); }

    public static void geluBackward(DeviceBuffer dx, DeviceBuffer x, DeviceBuffer dy, int n) {
        geluBackward(p(dx), p(x), p(dy), n, false);
    }

    /** GELU, tanh form, or with {@code erf} the exact form x Phi(x). */
    public static void gelu(long out, long in, int n, boolean erf) {
        grid1d("gelu", erf ? "gelu_erf_fwd" : "gelu_fwd", n, out, in, n);
    }

    public static void geluBackward(long dx, long x, long dy, int n, boolean erf) {
        grid1d("gelu", erf ? "gelu_erf_bwd" : "gelu_bwd", n, dx, x, dy, n);
    }

    // ------------------------------------------------------------------ embedding.ptx

    /** out[r, :] = W[ids[r], :] (ids int32; id &lt; 0 gives zeros). */
    public static void embedding(DeviceBuffer out, DeviceBuffer w, DeviceBuffer ids, int nIds, int d) {
        embedding(p(out), p(w), p(ids), nIds, d);
    }

    public static void embedding(long out, long w, long ids, int nIds, int d) {
        grid1d("embedding", "embedding_fwd", (long) nIds * d, out, w, ids, nIds, d);
    }

    /** dW[ids[r], :] += dout[r, :] (atomic adds: not bit-deterministic when ids repeat). */
    public static void embeddingBackward(DeviceBuffer dW, DeviceBuffer dout, DeviceBuffer ids, int nIds, int d) {
        embeddingBackward(p(dW), p(dout), p(ids), nIds, d);
    }

    public static void embeddingBackward(long dW, long dout, long ids, int nIds, int d) {
        grid1d("embedding", "embedding_bwd", (long) nIds * d, dW, dout, ids, nIds, d);
    }

    // ------------------------------------------------------------------ crossentropy.ptx

    /** Per-row losses (0 for ignored rows) and the row log-sum-exp (lse may be null). */
    public static void crossEntropy(DeviceBuffer loss, DeviceBuffer lse, DeviceBuffer logits, DeviceBuffer targets,
                                    int n, int c, int ignoreIndex) {
        crossEntropy(p(loss), p(lse), p(logits), p(targets), n, c, ignoreIndex);
    }

    public static void crossEntropy(long loss, long lse, long logits, long targets, int n, int c, int ignoreIndex) {
        rowBlocks("crossentropy", "ce_fwd", n, loss, lse, logits, targets, n, c, ignoreIndex);
    }

    /** count[0] = number of targets != ignoreIndex, as float. */
    public static void crossEntropyCount(DeviceBuffer count, DeviceBuffer targets, int n, int ignoreIndex) {
        rt().launch("crossentropy", "ce_count", 1, 1, 1, 1024, 1, 1, 0, count, targets, n, ignoreIndex);
    }

    /**
     * dlogits = (softmax - onehot) * gout[r * goutStride] * scale / count[0]; gout / count may be null
     * (1). For mean reduction: goutStride 0, count = crossEntropyCount output.
     */
    public static void crossEntropyBackward(DeviceBuffer dlogits, DeviceBuffer logits, DeviceBuffer lse,
                                            DeviceBuffer targets, DeviceBuffer gout, int goutStride,
                                            DeviceBuffer count, float scale, int n, int c, int ignoreIndex) {
        crossEntropyBackward(p(dlogits), p(logits), p(lse), p(targets), p(gout), goutStride, p(count), scale, n, c,
            ignoreIndex);
    }

    public static void crossEntropyBackward(long dlogits, long logits, long lse, long targets,
                                            long gout, int goutStride, long count, float scale,
                                            int n, int c, int ignoreIndex) {
        grid1d("crossentropy", "ce_bwd", (long) n * c, dlogits, logits, lse, targets, gout, goutStride, count,
            scale, n, c, ignoreIndex);
    }

    // ------------------------------------------------------------------ dropout.ptx

    /**
     * Dropout with the counter RNG {@link io.medualtime.tensor.CounterRng}: element i is kept when
     * uniform(seed, offset + i) &gt;= p; mask (may be null) gets 1/(1-p) or 0.
     */
    public static void dropout(DeviceBuffer out, DeviceBuffer mask, DeviceBuffer in, int n, float p, long seed, long offset) {
        dropout(p(out), p(mask), p(in), n, p, io.medualtime.tensor.CounterRng.dropoutScale(p), seed, offset);
    }

    /** As above with an explicit keep scale (out = keep ? in * scale : 0, mask = keep ? scale : 0). */
    public static void dropout(long out, long mask, long in, int n, float p, float scale, long seed, long offset) {
        grid1d("dropout", "dropout_fwd", n, out, mask, in, n, p, scale, seed, offset);
    }

    /** out[i] = CounterRng.uniform(seed, offset + i). */
    public static void rngUniform(DeviceBuffer out, int n, long seed, long offset) {
        grid1d("dropout", "rng_uniform", n, out, n, seed, offset);
    }

    // ------------------------------------------------------------------ batchnorm.ptx

    /** Batch statistics over x[B, C, L]; runMean/runVar may be null. */
    public static void batchNormStats(DeviceBuffer mean, DeviceBuffer invstd, DeviceBuffer x, int b, int c, int l,
                                      float eps, DeviceBuffer runMean, DeviceBuffer runVar, float momentum) {
        rowBlocks("batchnorm", "bn_stats", c, mean, invstd, x, b, c, l, eps, runMean, runVar, momentum);
    }

    public static void batchNormApply(DeviceBuffer out, DeviceBuffer x, DeviceBuffer mean, DeviceBuffer invstd,
                                      DeviceBuffer w, DeviceBuffer bias, int b, int c, int l) {
        grid1d("batchnorm", "bn_apply", (long) b * c * l, out, x, mean, invstd, w, bias, b, c, l);
    }

    /** Training-mode backward: dw, db (required, overwritten) and dx (may be null). */
    public static void batchNormBackward(DeviceBuffer dx, DeviceBuffer dw, DeviceBuffer db, DeviceBuffer dy,
                                         DeviceBuffer x, DeviceBuffer mean, DeviceBuffer invstd, DeviceBuffer w,
                                         int b, int c, int l) {
        rowBlocks("batchnorm", "bn_bwd_reduce", c, dw, db, dy, x, mean, invstd, b, c, l);
        if (dx != null)
            grid1d("batchnorm", "bn_bwd_dx", (long) b * c * l, dx, dy, x, mean, invstd, w, dw, db, b, c, l);
    }

    /**
     * The AdamW step of several tensors in one launch (adamw_multi): table holds, per tensor, the
     * addresses of param, grad, m, v and the element count (40 bytes each, see adamw.ptx).
     */
    public static void adamwMulti(long table, int count, int maxN, float lr, float beta1, float beta2, float eps,
                                  float weightDecay, float bc1, float bc2) {
        if (count <= 0) return;
        if (count > MAX_GRID_Y) throw new IllegalArgumentException("adamw_multi takes at most " + MAX_GRID_Y + " tensors, got " + count);
        int perTensor = (int) Math.max(1, Math.min((maxN + BLOCK - 1L) / BLOCK, 64));
        rt().launch("adamw", "adamw_multi", perTensor, count, 1, BLOCK, 1, 1, 0, table, count, lr, beta1, beta2, eps,
            weightDecay, bc1, bc2);
    }

    // ------------------------------------------------------------------ gated_prefix_attention.ptx

    /**
     * Gated prefix attention, forward, a warp per query row (see gated_prefix_attention.ptx); mask may be 0;
     * base (not 0): out = base + the gated term, both token-major [B, T, H, D].
     */
    public static void gatedPrefixAttentionForward(long q, long ka, long va, long gate, long mask, long probs, long dropped, long mixed,
                                      long out, long base, int b, int h, int t, int k, int d, int setStride, int headStride,
                                      int tokStride, float scale) {
        grid1d("gated_prefix_attention", "gated_prefix_attention_fwd", 32L * b * h * t, q, ka, va, gate, mask, probs, dropped, mixed, out, base, b, h, t, k, d,
            setStride, headStride, tokStride, scale);
    }

    /** Its backward's row-wise part (see gated_prefix_attention.ptx); mask, dq and gpart may be 0; tokens: gout and dq token-major. */
    public static void gatedPrefixAttentionBackward(long gout, long ka, long va, long gate, long mask, long probs, long mixed, long dq,
                                       long ds, long dmix, long gpart, int b, int h, int t, int k, int d, int setStride,
                                       int headStride, int tokStride, float scale, boolean tokens) {
        grid1d("gated_prefix_attention", "gated_prefix_attention_bwd", 32L * b * h * t, gout, ka, va, gate, mask, probs, mixed, dq, ds, dmix, gpart,
            b, h, t, k, d, setStride, headStride, tokStride, scale, tokens ? 1 : 0);
    }

    /** The gate's gradient from gatedPrefixAttentionBackward's per-row partial sums: one block per head (see gated_prefix_attention.ptx). */
    public static void gatedPrefixAttentionGateGrad(long gpart, long gate, long dgate, int b, int h, int t) {
        rt().launch("gated_prefix_attention", "gated_prefix_attention_gate_grad", h, 1, 1, BLOCK, 1, 1, 0, gpart, gate, dgate, b, h, t);
    }

    // ------------------------------------------------------------------ attention.ptx

    /**
     * GPT-2's self-attention core, forward: a warp per (sample, head, query) row (see attention.ptx);
     * q queries per sample (t, or 1 with {@code rows}: an int32 table of each sample's query token); drop may be 0.
     */
    public static void selfAttentionForward(long qkv, long mask, boolean maskPerSample, long drop, long probs, long out,
                                            int b, int h, int t, int d, float scale, int q, long rows) {
        grid1d("attention", "attn_fwd", 32L * b * h * q, qkv, mask, maskPerSample ? 1 : 0, drop, probs, out, b, h, t, d, scale, q, rows);
    }

    /** Its backward: dq by query rows, then dk and dv by key rows (attn_bwd_kv reads the ds attn_bwd_q leaves). */
    public static void selfAttentionBackward(long qkv, long gout, long probs, long drop, long ds, long dqkv,
                                             int b, int h, int t, int d, float scale, int q, long rows) {
        grid1d("attention", "attn_bwd_q", 32L * b * h * q, qkv, gout, probs, drop, ds, dqkv, b, h, t, d, scale, q, rows);
        grid1d("attention", "attn_bwd_kv", 32L * b * h * t, qkv, gout, probs, drop, ds, dqkv, b, h, t, d, scale, q, rows);
    }

    // ------------------------------------------------------------------ adamw.ptx

    /** One AdamW step (step &gt;= 1) in place on param, m, v. */
    public static void adamw(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n,
                             float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        adamw(p(param), p(grad), p(m), p(v), n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }

    /** As above with the bias corrections bc1 = 1 - beta1^t, bc2 = 1 - beta2^t given. */
    public static void adamw(long param, long grad, long m, long v, int n, float lr, float beta1,
                             float beta2, float eps, float weightDecay, float bc1, float bc2) {
        grid1d("adamw", "adamw", n, param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }


    // ------------------------------------------------------------------ conv.ptx

    /** cols[B, Cin*K, Lout] from in[B, Cin, L], Lout = L + 2*pad - K + 1. */
    public static void im2col1d(DeviceBuffer cols, DeviceBuffer in, int b, int cin, int l, int k, int pad) {
        im2col1d(p(cols), p(in), b, cin, l, k, pad);
    }

    public static void im2col1d(long cols, long in, int b, int cin, int l, int k, int pad) {
        int lout = l + 2 * pad - k + 1;
        grid1d("conv", "im2col1d", (long) b * cin * k * lout, cols, in, b, cin, l, k, pad, lout);
    }

    /** dIn[B, Cin, L] (overwritten) from dCols[B, Cin*K, Lout]. */
    public static void col2im1d(DeviceBuffer dIn, DeviceBuffer dCols, int b, int cin, int l, int k, int pad) {
        int lout = l + 2 * pad - k + 1;
        grid1d("conv", "col2im1d", (long) b * cin * l, dIn, dCols, b, cin, l, k, pad, lout);
    }
}
