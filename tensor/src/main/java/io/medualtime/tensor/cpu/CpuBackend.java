package io.medualtime.tensor.cpu;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.Affine;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ChannelShape;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;
import io.medualtime.tensor.backend.NormStats;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.RunningStats;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.Targets;
import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.backend.View;

/**
 * The CPU backend: memory and data movement, elementwise ops and reductions here; the fused
 * neural-network kernels in {@link CpuNnKernels}; matrix products in {@link Sgemm}.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();
    private static final int GRAIN = 1 << 14;

    private CpuBackend() {}

    static float[] arr(Storage s) {
        if (s instanceof CpuStorage c) return c.data();
        if (s instanceof MappedStorage) throw MappedStorage.readOnly();
        throw new IllegalArgumentException("CPU op given storage of device " + s.device());
    }

    /** The array of an optional operand, null when absent. */
    private static float[] arrOrNull(Storage s) { return s == null ? null : arr(s); }

    /** The buffer of a mapped storage (read-only frozen weights), or null for heap storage. */
    private static java.nio.FloatBuffer mapped(Storage s) { return s instanceof MappedStorage m ? m.data : null; }

    @Override public Device device() { return Device.CPU; }

    // ---- memory ----------------------------------------------------------------------------
    @Override public Storage allocate(int n) {
        float[] a = ArrayPool.SHARED.take(n);
        if (a == null) a = new float[n];
        else java.util.Arrays.fill(a, 0f);
        return new CpuStorage(a, true);
    }
    @Override public Storage allocateUninitialized(int n) {
        float[] a = ArrayPool.SHARED.take(n);
        return new CpuStorage(a != null ? a : new float[n], true);
    }
    @Override public Storage fromHost(float[] data) { return new CpuStorage(data, false); }
    @Override public float[] toHost(Span src, int n) {
        Storage s = src.storage();
        int offset = src.offset();
        float[] out = new float[n];
        java.nio.FloatBuffer fb = mapped(s);
        if (fb != null) fb.get(offset, out, 0, n);
        else System.arraycopy(arr(s), offset, out, 0, n);
        return out;
    }
    @Override public void fill(Span dst, int n, float value) { java.util.Arrays.fill(arr(dst.storage()), dst.offset(), dst.offset() + n, value); }

    @Override public void copy(View dst, View src, boolean accumulate) {
        java.nio.FloatBuffer fb = mapped(src.storage());
        if (fb != null) { copyFromMapped(dst, fb, src, accumulate); return; }
        float[] x = arr(src.storage()), y = arr(dst.storage());
        if (!accumulate && Strided.dense(src) && Strided.dense(dst)) {
            System.arraycopy(x, src.offset(), y, dst.offset(), src.numel());
            return;
        }
        Strided.Run body = (i, ao, as, bo, bs, co, cs, n) -> {
            boolean unit = as == 1 && bs == 1;      // runs along a dense last dim: memcpy / a vectorisable loop
            if (accumulate) {
                if (unit) for (int j = 0; j < n; j++) y[bo + j] += x[ao + j];
                else for (int j = 0; j < n; j++) y[bo + j * bs] += x[ao + j * as];
            } else if (unit) System.arraycopy(x, ao, y, bo, n);
            else for (int j = 0; j < n; j++) y[bo + j * bs] = x[ao + j * as];
        };
        // accumulating destinations may overlap (unfold's backward): then one thread, fixed order
        Strided.forEach(src.shape(), src, dst, null, !accumulate || Strided.distinct(dst), body);
    }

    /** copy() with a mapped source: the same walk, reading through the buffer. */
    private static void copyFromMapped(View dst, java.nio.FloatBuffer x, View src, boolean accumulate) {
        float[] y = arr(dst.storage());
        if (!accumulate && Strided.dense(src) && Strided.dense(dst)) {
            x.get(src.offset(), y, dst.offset(), src.numel());
            return;
        }
        Strided.forEach(src.shape(), src, dst, null, !accumulate, (i, ao, as, bo, bs, co, cs, n) -> {
            if (accumulate) for (int j = 0; j < n; j++) y[bo + j * bs] += x.get(ao + j * as);
            else for (int j = 0; j < n; j++) y[bo + j * bs] = x.get(ao + j * as);
        });
    }

    // ---- elementwise -----------------------------------------------------------------------
    @Override public void unary(UnaryOp op, Span outs, Span xs, int n, float p) {
        float[] x = arr(xs.storage()), y = arr(outs.storage());
        int xOff = xs.offset(), outOff = outs.offset();
        if (op == UnaryOp.GELU && VectorSupport.available()) {      // a lambda of its own: see geluBackward below
            Parallel.range(n, GRAIN, (s, e) -> VectorKernels.geluRow(x, xOff + s, y, outOff + s, e - s));
            return;
        }
        Parallel.range(n, GRAIN, (s, e) -> CpuElementwise.unary(op, p, x, xOff + s, y, outOff + s, e - s));
    }

    @Override public void unaryBackward(UnaryOp op, Span gins, Span xs, Span gs, int n, float p) {
        float[] x = arr(xs.storage()), g = arr(gs.storage()), gin = arr(gins.storage());
        int xOff = xs.offset(), gOff = gs.offset(), ginOff = gins.offset();
        if (op == UnaryOp.GELU && VectorSupport.available()) {
            // C2 compiles this lambda with the GELU loop alone; inlined into the switch over every op
            // (all of whose branches a model step makes hot) the compile grew so large that C2 gave up
            // the vector store intrinsic, and the loop ran the Vector API's scalar fallback (~10x slower)
            Parallel.range(n, GRAIN, (s, e) -> VectorKernels.geluBackward(x, xOff + s, g, gOff + s, gin, ginOff + s, e - s));
            return;
        }
        if (op == UnaryOp.RELU && VectorSupport.available()) {      // a branch per element mispredicts on activations
            Parallel.range(n, GRAIN, (s, e) -> VectorKernels.reluBackward(x, xOff + s, g, gOff + s, gin, ginOff + s, e - s));
            return;
        }
        Parallel.range(n, GRAIN, (s, e) -> CpuElementwise.unaryBackward(op, p, x, xOff + s, g, gOff + s, gin, ginOff + s, e - s));
    }

    @Override public void binary(BinaryOp op, Span outs, View a, View b) {
        float[] x = arr(a.storage()), y = arr(b.storage()), out = arr(outs.storage());
        int outOff = outs.offset();
        if (Strided.dense(a) && Strided.dense(b)) {
            int n = a.numel();
            Parallel.range(n, GRAIN, (s, e) -> CpuElementwise.binary(op, x, a.offset() + s, 1, y, b.offset() + s, 1, out, outOff + s, e - s));
            return;
        }
        Strided.forEach(a.shape(), a, b, null, (i, ao, as, bo, bs, co, cs, n) ->
                CpuElementwise.binary(op, x, ao, as, y, bo, bs, out, outOff + i, n));
    }

    @Override public void where(Span outs, View cond, View a, View b) {
        float[] c = arr(cond.storage()), x = arr(a.storage()), y = arr(b.storage()), out = arr(outs.storage());
        int outOff = outs.offset();
        Strided.forEach(a.shape(), cond, a, b, (i, co, cst, ao, as, bo, bs, n) -> {
            for (int j = 0; j < n; j++) out[outOff + i + j] = c[co + j * cst] != 0 ? x[ao + j * as] : y[bo + j * bs];
        });
    }

    // ---- reductions ------------------------------------------------------------------------
    @Override public void reduce(ReduceOp op, Span outs, Span xs, int outer, int dim, int inner) {
        float[] x = arr(xs.storage()), out = arr(outs.storage());
        int xOff = xs.offset(), outOff = outs.offset();
        boolean max = op == ReduceOp.MAX;
        if (inner == 1) {
            Parallel.range(outer, Math.max(1, GRAIN / Math.max(dim, 1)), (s, e) -> {
                for (int o = s; o < e; o++) {
                    int base = xOff + o * dim;
                    if (max) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int d = 0; d < dim; d++) { float v = x[base + d]; if (v > m || Float.isNaN(v)) m = v; }
                        out[outOff + o] = m;
                    } else {
                        double acc = 0;
                        for (int d = 0; d < dim; d++) acc += x[base + d];
                        out[outOff + o] = (float) acc;
                    }
                }
            });
            return;
        }
        Parallel.range(outer * inner, Math.max(1, GRAIN / Math.max(dim, 1)), (s, e) -> {
            for (int flat = s; flat < e; flat++) {
                int o = flat / inner, i = flat - o * inner;
                int base = xOff + o * dim * inner + i;
                if (max) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int d = 0; d < dim; d++) { float v = x[base + d * inner]; if (v > m || Float.isNaN(v)) m = v; }
                    out[outOff + flat] = m;
                } else {
                    double acc = 0;
                    for (int d = 0; d < dim; d++) acc += x[base + d * inner];
                    out[outOff + flat] = (float) acc;
                }
            }
        });
    }

    // ---- matrix products -------------------------------------------------------------------
    @Override public void gemm(Matrix cm, Matrix am, Matrix bm, GemmShape shape, float alpha, float beta) {
        boolean transA = shape.transA(), transB = shape.transB();
        int m = shape.m(), n = shape.n(), k = shape.k(), batch = shape.batch();
        Storage a = am.storage(), b = bm.storage(), c = cm.storage();
        int aOff = am.offset(), lda = am.ld(), strideA = am.batchStride(), bOff = bm.offset(), ldb = bm.ld(), strideB = bm.batchStride();
        int cOff = cm.offset(), ldc = cm.ld(), strideC = cm.batchStride();
        java.nio.FloatBuffer ma = mapped(a), mb = mapped(b);
        if (ma == null && mb == null) {
            Sgemm.sgemmBatched(transA, transB, m, n, k, alpha, arr(a), aOff, lda, strideA, arr(b), bOff, ldb, strideB,
                    beta, arr(c), cOff, ldc, strideC, batch);
        } else {    // a frozen mapped weight as either operand
            Sgemm.sgemmBatched(transA, transB, m, n, k, alpha, ma == null ? arr(a) : null, ma, aOff, lda, strideA,
                    mb == null ? arr(b) : null, mb, bOff, ldb, strideB, beta, arr(c), cOff, ldc, strideC, batch);
        }
    }

    // ---- fused neural-network kernels (CpuNnKernels) ---------------------------------------
    @Override public void softmax(Span y, Span x, int rows, int cols, boolean log) {
        CpuNnKernels.softmax(log, arr(x.storage()), x.offset(), arr(y.storage()), y.offset(), rows, cols);
    }
    @Override public void softmaxBackward(Span gx, Span y, Span gy, int rows, int cols, boolean log) {
        CpuNnKernels.softmaxBackward(log, arr(y.storage()), y.offset(), arr(gy.storage()), gy.offset(), arr(gx.storage()), gx.offset(), rows, cols);
    }
    @Override public void batchNorm(Storage y, NormStats saved, Span x, Affine affine, RunningStats running, ChannelShape shape, float eps) {
        CpuNnKernels.batchNorm(arr(x.storage()), x.offset(), arrOrNull(affine.weight()), arrOrNull(affine.bias()), eps, running.momentum(),
                arrOrNull(running.mean()), arrOrNull(running.var()), arr(y), arr(saved.mean()), arr(saved.rstd()),
                shape.batch(), shape.channels(), shape.length());
    }
    @Override public void batchNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, ChannelShape shape) {
        CpuNnKernels.batchNormBackward(arr(x.storage()), x.offset(), arrOrNull(w), arr(saved.mean()), arr(saved.rstd()), arr(gy), arr(gx),
                arrOrNull(grads.weight()), arrOrNull(grads.bias()), shape.batch(), shape.channels(), shape.length());
    }
    @Override public void layerNorm(Storage y, NormStats saved, Span x, Affine affine, int rows, int cols, float eps) {
        CpuNnKernels.layerNorm(arr(x.storage()), x.offset(), arrOrNull(affine.weight()), arrOrNull(affine.bias()), eps, arr(y),
                arr(saved.mean()), arr(saved.rstd()), rows, cols);
    }
    @Override public void layerNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, int rows, int cols) {
        CpuNnKernels.layerNormBackward(arr(x.storage()), x.offset(), arrOrNull(w), arr(saved.mean()), arr(saved.rstd()), arr(gy),
                arr(gx), arrOrNull(grads.weight()), arrOrNull(grads.bias()), rows, cols);
    }
    @Override public void gatherRows(Storage out, Span tableSpan, int[] ids, int cols) {
        Storage table = tableSpan.storage();
        int tOff = tableSpan.offset();
        java.nio.FloatBuffer mt = mapped(table);
        float[] t = mt == null ? arr(table) : null, o = arr(out);
        Parallel.range(ids.length, Math.max(1, GRAIN / Math.max(cols, 1)), (s, e) -> {
            if (cols == 1 && t != null) for (int i = s; i < e; i++) o[i] = t[tOff + ids[i]];   // a permutation gather
            else for (int i = s; i < e; i++) {
                if (mt != null) mt.get(tOff + ids[i] * cols, o, i * cols, cols);
                else System.arraycopy(t, tOff + ids[i] * cols, o, i * cols, cols);
            }
        });
    }
    @Override public void scatterAddRows(Span gtable, Storage gout, int[] ids, int cols) {
        float[] g = arr(gout), t = arr(gtable.storage());
        int tOff = gtable.offset();
        // sequential over ids so repeated ids accumulate in a fixed order; parallel over columns
        Parallel.range(cols, 256, (c0, c1) -> {
            for (int i = 0; i < ids.length; i++) {
                int src = i * cols, dst = tOff + ids[i] * cols;
                for (int c = c0; c < c1; c++) t[dst + c] += g[src + c];
            }
        });
    }
    @Override public void crossEntropy(Storage loss, Storage lse, Span logits, Targets targets, int rows, int cols) {
        CpuNnKernels.crossEntropy(arr(logits.storage()), logits.offset(), targets.classes(), targets.ignoreIndex(), arr(loss), arr(lse), rows, cols);
    }
    @Override public void crossEntropyBackward(Storage glogits, Span logits, Storage lse, Targets targets, Span gout, int rows, int cols,
                                               float scale) {
        float g = arr(gout.storage())[gout.offset()] * scale;
        CpuNnKernels.crossEntropyBackward(arr(logits.storage()), logits.offset(), arr(lse), targets.classes(), targets.ignoreIndex(), g,
                arr(glogits), rows, cols);
    }
    @Override public void dropoutMask(Storage mask, int n, float p, long seed) {
        float[] m = arr(mask);
        float keep = 1f / (1f - p);
        Parallel.range(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) m[i] = io.medualtime.tensor.CounterRng.uniform(seed, i) >= p ? keep : 0f;
        });
    }
    @Override public void adamw(Storage param, Storage m, Storage v, Storage grad, int n, AdamWStep step) {
        CpuNnKernels.adamw(arr(param), arr(grad), arr(m), arr(v), n, step.lr(), step.beta1(), step.beta2(), step.eps(), step.weightDecay(),
                step.bias1(), step.bias2());
    }
}
