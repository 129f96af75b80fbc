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
import io.medualtime.tensor.cpu.kernels.AdamW;
import io.medualtime.tensor.cpu.kernels.ArrayAffine;
import io.medualtime.tensor.cpu.kernels.ArrayNormStats;
import io.medualtime.tensor.cpu.kernels.ArraySpan;
import io.medualtime.tensor.cpu.kernels.BatchNorm;
import io.medualtime.tensor.cpu.kernels.Binary;
import io.medualtime.tensor.cpu.kernels.CrossEntropy;
import io.medualtime.tensor.cpu.kernels.LayerNorm;
import io.medualtime.tensor.cpu.kernels.Reduce;
import io.medualtime.tensor.cpu.kernels.Softmax;
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

    /** The array of an optional operand, null when absent. */
    private static float[] arrOrNull(Storage s) {
        return s == null ? null : arr(s);
    }

    /** A span's array and offset, as the kernels take them. */
    private static ArraySpan array(Span s) {
        return new ArraySpan(arr(s.storage()), s.offset());
    }

    /** A weight and bias (or their gradients), each null when absent. */
    private static ArrayAffine arrays(Affine a) {
        return new ArrayAffine(arrOrNull(a.weight()), arrOrNull(a.bias()));
    }

    /** Saved mean and rstd. */
    private static ArrayNormStats arrays(NormStats s) {
        return new ArrayNormStats(arr(s.mean()), arr(s.rstd()));
    }

    /** The buffer of a mapped storage (read-only frozen weights), or null for heap storage. */
    private static java.nio.FloatBuffer mapped(Storage s) {
        return s instanceof MappedStorage m ? m.data : null;
    }

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
    @Override public void fill(Span dst, int n, float value) {
        java.util.Arrays.fill(arr(dst.storage()), dst.offset(), dst.offset() + n, value);
    }

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
        Unary.forward(op, array(outs), array(xs), n, p);
    }

    @Override public void unaryBackward(UnaryOp op, Span gins, Span xs, Span gs, int n, float p) {
        Unary.backward(op, array(gins), array(xs), array(gs), n, p);
    }

    @Override public void binary(BinaryOp op, Span outs, View a, View b) {
        float[] x = arr(a.storage()), y = arr(b.storage()), out = arr(outs.storage());
        int outOff = outs.offset();
        if (Strided.dense(a) && Strided.dense(b)) {
            int n = a.numel();
            Parallel.range(n, GRAIN, (s, e) -> Binary.run(op, new ArraySpan(out, outOff + s), new ArraySpan(x, a.offset() + s), 1,
                    new ArraySpan(y, b.offset() + s), 1, e - s));
            return;
        }
        Strided.forEach(a.shape(), a, b, null, (i, ao, as, bo, bs, co, cs, n) -> Binary.run(op, new ArraySpan(out, outOff + i),
                new ArraySpan(x, ao), as, new ArraySpan(y, bo), bs, n));
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
        Reduce.run(op, array(outs), array(xs), outer, dim, inner);
    }

    // ---- matrix products -------------------------------------------------------------------
    @Override public void gemm(Matrix cm, Matrix am, Matrix bm, GemmShape shape, float alpha, float beta) {
        Sgemm.sgemm(ArrayMatrix.batched(arr(cm.storage()), cm.offset(), cm.ld(), cm.batchStride()), matrix(am), matrix(bm), shape, alpha,
                beta);
    }

    /** A GEMM operand as the CPU kernels read it: its array, or the buffer of a frozen mapped weight. */
    private static ArrayMatrix matrix(Matrix x) {
        java.nio.FloatBuffer fb = mapped(x.storage());
        return fb != null
                ? ArrayMatrix.mapped(fb, x.offset(), x.ld(), x.batchStride())
                : ArrayMatrix.batched(arr(x.storage()), x.offset(), x.ld(), x.batchStride());
    }

    // ---- fused neural-network kernels (cpu/kernels) ----------------------------------------
    @Override public void softmax(Span y, Span x, int rows, int cols, boolean log) {
        Softmax.forward(array(y), array(x), rows, cols, log);
    }
    @Override public void softmaxBackward(Span gx, Span y, Span gy, int rows, int cols, boolean log) {
        Softmax.backward(array(gx), array(y), array(gy), rows, cols, log);
    }
    @Override public void batchNorm(Storage y, NormStats saved, Span x, Affine affine, RunningStats running, ChannelShape shape,
            float eps) {
        BatchNorm.Running run = running.mean() == null
                ? null
                : new BatchNorm.Running(arr(running.mean()), arr(running.var()), running.momentum());
        BatchNorm.forward(arr(y), arrays(saved), array(x), arrays(affine), run,
                shape, eps);
    }
    @Override public void batchNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, ChannelShape shape) {
        BatchNorm.backward(arr(gx), arrays(grads), arr(gy), array(x), arrays(saved), arrOrNull(w),
                shape);
    }
    @Override public void layerNorm(Storage y, NormStats saved, Span x, Affine affine, int rows, int cols, float eps) {
        LayerNorm.forward(arr(y), arrays(saved), array(x), arrays(affine), rows, cols, eps);
    }
    @Override public void layerNormBackward(Storage gx, Affine grads, Storage gy, Span x, NormStats saved, Storage w, int rows, int cols) {
        LayerNorm.backward(arr(gx), arrays(grads), arr(gy), array(x), arrays(saved), arrOrNull(w), rows, cols);
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
        CrossEntropy.forward(arr(loss), arr(lse), array(logits), targets.classes(), targets.ignoreIndex(), rows, cols);
    }
    @Override public void crossEntropyBackward(Storage glogits, Span logits, Storage lse, Targets targets, Span gout, int rows, int cols,
            float scale) {
        float g = arr(gout.storage())[gout.offset()] * scale;
        CrossEntropy.backward(arr(glogits), array(logits), arr(lse), targets.classes(), targets.ignoreIndex(), rows, cols, g);
    }
    @Override public void dropoutMask(Storage mask, int n, float p, long seed) {
        float[] m = arr(mask);
        float keep = 1f / (1f - p);
        Parallel.range(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) m[i] = io.medualtime.tensor.CounterRng.uniform(seed, i) >= p ? keep : 0f;
        });
    }
    @Override public void adamw(Storage param, Storage m, Storage v, Storage grad, int n, AdamWStep step) {
        AdamW.step(arr(param), arr(m), arr(v), arr(grad), n,
                step);
    }
}
