package io.medualtime.tensor.cpu;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.backend.View;
import io.medualtime.tensor.cpu.kernels.AdamW;
import io.medualtime.tensor.cpu.kernels.Affine;
import io.medualtime.tensor.cpu.kernels.BatchNorm;
import io.medualtime.tensor.cpu.kernels.Binary;
import io.medualtime.tensor.cpu.kernels.CrossEntropy;
import io.medualtime.tensor.cpu.kernels.LayerNorm;
import io.medualtime.tensor.cpu.kernels.NormStats;
import io.medualtime.tensor.cpu.kernels.Reduce;
import io.medualtime.tensor.cpu.kernels.Softmax;
import io.medualtime.tensor.cpu.kernels.Span;
import io.medualtime.tensor.cpu.kernels.Unary;

/**
 * The CPU backend: memory and data movement here; every op's kernel in
 * {@link io.medualtime.tensor.cpu.kernels} (one class per op); matrix products in {@link Sgemm}.
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

    /** A weight and bias (or their gradients), each null when absent. */
    private static Affine affine(Storage w, Storage b) { return new Affine(w == null ? null : arr(w), b == null ? null : arr(b)); }

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
    @Override public float[] toHost(Storage s, int offset, int n) {
        float[] out = new float[n];
        java.nio.FloatBuffer fb = mapped(s);
        if (fb != null) fb.get(offset, out, 0, n);
        else System.arraycopy(arr(s), offset, out, 0, n);
        return out;
    }
    @Override public void fill(Storage s, int offset, int n, float value) { java.util.Arrays.fill(arr(s), offset, offset + n, value); }

    @Override public void copy(View src, View dst, boolean accumulate) {
        java.nio.FloatBuffer fb = mapped(src.storage());
        if (fb != null) { copyFromMapped(fb, src, dst, accumulate); return; }
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
    private static void copyFromMapped(java.nio.FloatBuffer x, View src, View dst, boolean accumulate) {
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
    @Override public void unary(UnaryOp op, float p, Storage xs, int xOff, Storage outs, int outOff, int n) {
        Unary.forward(op, p, new Span(arr(xs), xOff), new Span(arr(outs), outOff), n);
    }

    @Override public void unaryBackward(UnaryOp op, float p, Storage xs, int xOff, Storage gs, int gOff, Storage gins, int ginOff, int n) {
        Unary.backward(op, p, new Span(arr(xs), xOff), new Span(arr(gs), gOff), new Span(arr(gins), ginOff), n);
    }

    @Override public void binary(BinaryOp op, View a, View b, Storage outs, int outOff) {
        float[] x = arr(a.storage()), y = arr(b.storage()), out = arr(outs);
        if (Strided.dense(a) && Strided.dense(b)) {
            int n = a.numel();
            Parallel.range(n, GRAIN, (s, e) ->
                    Binary.run(op, new Span(x, a.offset() + s), 1, new Span(y, b.offset() + s), 1, new Span(out, outOff + s), e - s));
            return;
        }
        Strided.forEach(a.shape(), a, b, null, (i, ao, as, bo, bs, co, cs, n) ->
                Binary.run(op, new Span(x, ao), as, new Span(y, bo), bs, new Span(out, outOff + i), n));
    }

    @Override public void where(View cond, View a, View b, Storage outs, int outOff) {
        float[] c = arr(cond.storage()), x = arr(a.storage()), y = arr(b.storage()), out = arr(outs);
        Strided.forEach(a.shape(), cond, a, b, (i, co, cst, ao, as, bo, bs, n) -> {
            for (int j = 0; j < n; j++) out[outOff + i + j] = c[co + j * cst] != 0 ? x[ao + j * as] : y[bo + j * bs];
        });
    }

    // ---- reductions ------------------------------------------------------------------------
    @Override public void reduce(ReduceOp op, Storage xs, int xOff, int outer, int dim, int inner, Storage outs, int outOff) {
        Reduce.run(op, new Span(arr(xs), xOff), outer, dim, inner, new Span(arr(outs), outOff));
    }

    // ---- matrix products -------------------------------------------------------------------
    @Override public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               Storage a, int aOff, int lda, int strideA, Storage b, int bOff, int ldb, int strideB,
                               float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        Sgemm.sgemm(new GemmShape(transA, transB, m, n, k, batch), alpha, matrix(a, aOff, lda, strideA), matrix(b, bOff, ldb, strideB),
                beta, Matrix.batched(arr(c), cOff, ldc, strideC));
    }

    /** A GEMM operand from its storage: an array, or the buffer of a frozen mapped weight. */
    private static Matrix matrix(Storage s, int off, int ld, int stride) {
        java.nio.FloatBuffer fb = mapped(s);
        return fb != null ? Matrix.mapped(fb, off, ld, stride) : Matrix.batched(arr(s), off, ld, stride);
    }

    // ---- fused neural-network kernels (cpu/kernels) ----------------------------------------
    @Override public void softmax(boolean log, Storage x, int xOff, Storage y, int yOff, int rows, int cols) {
        Softmax.forward(log, new Span(arr(x), xOff), new Span(arr(y), yOff), rows, cols);
    }
    @Override public void softmaxBackward(boolean log, Storage y, int yOff, Storage gy, int gyOff, Storage gx, int gxOff, int rows, int cols) {
        Softmax.backward(log, new Span(arr(y), yOff), new Span(arr(gy), gyOff), new Span(arr(gx), gxOff), rows, cols);
    }
    @Override public void batchNorm(Storage x, int xOff, Storage w, Storage b, float eps, float momentum, Storage runMean,
                                    Storage runVar, Storage y, Storage mean, Storage invstd, int batch, int channels, int length) {
        BatchNorm.Running run = runMean == null ? null : new BatchNorm.Running(arr(runMean), arr(runVar), momentum);
        BatchNorm.forward(new Span(arr(x), xOff), affine(w, b), eps, run, arr(y), new NormStats(arr(mean), arr(invstd)),
                new BatchNorm.Shape(batch, channels, length));
    }
    @Override public void batchNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage invstd, Storage gy,
                                            Storage gx, Storage gw, Storage gb, int batch, int channels, int length) {
        BatchNorm.backward(new Span(arr(x), xOff), w == null ? null : arr(w), new NormStats(arr(mean), arr(invstd)), arr(gy),
                arr(gx), affine(gw, gb), new BatchNorm.Shape(batch, channels, length));
    }
    @Override public void layerNorm(Storage x, int xOff, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd, int rows, int cols) {
        LayerNorm.forward(new Span(arr(x), xOff), affine(w, b), eps, arr(y), new NormStats(arr(mean), arr(rstd)), rows, cols);
    }
    @Override public void layerNormBackward(Storage x, int xOff, Storage w, Storage mean, Storage rstd, Storage gy,
                                            Storage gx, Storage gw, Storage gb, int rows, int cols) {
        LayerNorm.backward(new Span(arr(x), xOff), w == null ? null : arr(w), new NormStats(arr(mean), arr(rstd)), arr(gy),
                arr(gx), affine(gw, gb), rows, cols);
    }
    @Override public void gatherRows(Storage table, int tOff, int cols, int[] ids, Storage out) {
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
    @Override public void scatterAddRows(Storage gout, int cols, int[] ids, Storage gtable, int tOff) {
        float[] g = arr(gout), t = arr(gtable);
        // sequential over ids so repeated ids accumulate in a fixed order; parallel over columns
        Parallel.range(cols, 256, (c0, c1) -> {
            for (int i = 0; i < ids.length; i++) {
                int src = i * cols, dst = tOff + ids[i] * cols;
                for (int c = c0; c < c1; c++) t[dst + c] += g[src + c];
            }
        });
    }
    @Override public void crossEntropy(Storage logits, int lOff, int[] targets, int ignoreIndex, Storage loss, Storage lse, int rows, int cols) {
        CrossEntropy.forward(new Span(arr(logits), lOff), targets, ignoreIndex, arr(loss), arr(lse), rows, cols);
    }
    @Override public void crossEntropyBackward(Storage logits, int lOff, Storage lse, int[] targets, int ignoreIndex, Storage gout, int goutOff,
                                               float scale, Storage glogits, int rows, int cols) {
        float g = arr(gout)[goutOff] * scale;
        CrossEntropy.backward(new Span(arr(logits), lOff), arr(lse), targets, ignoreIndex, g, arr(glogits), rows, cols);
    }
    @Override public void dropoutMask(long seed, float p, Storage mask, int n) {
        float[] m = arr(mask);
        float keep = 1f / (1f - p);
        Parallel.range(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) m[i] = io.medualtime.tensor.CounterRng.uniform(seed, i) >= p ? keep : 0f;
        });
    }
    @Override public void adamw(Storage param, Storage grad, Storage m, Storage v, int n, float lr, float beta1, float beta2,
                                float eps, float weightDecay, float bias1, float bias2) {
        AdamW.step(arr(param), arr(grad), arr(m), arr(v), n, new AdamW.Hyper(lr, beta1, beta2, eps, weightDecay, bias1, bias2));
    }
}
