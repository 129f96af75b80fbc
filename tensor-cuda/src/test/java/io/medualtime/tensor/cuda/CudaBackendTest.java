package io.medualtime.tensor.cuda;

import io.medualtime.tensor.CounterRng;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.OpsFixtureTest;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.Affine;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.Backends;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;
import io.medualtime.tensor.backend.NormStats;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.Targets;
import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.backend.View;
import io.medualtime.tensor.ops.Elementwise;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend against the PyTorch op fixtures (every case of OpsFixtureTest, inputs on the GPU,
 * same 1e-5 rule) and against the CPU backend for what the fixtures do not cover: GELU (erf form),
 * clamp, abs, the fused backwards at large |x|, dropout masks (bit-equal), where / broadcasting /
 * strided views, overlapping accumulation (unfold's backward), and every primitive called directly
 * with non-zero offsets. Skipped, with CudaRuntime's reason, without a usable GPU.
 */
class CudaBackendTest {
    static final double RTOL = 1e-5;

    static void assumeCuda() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
    }

    @BeforeEach void gpu() { assumeCuda(); }

    @TestFactory Stream<DynamicTest> pytorchOpFixturesOnCuda() throws Exception {
        assumeCuda();
        return OpsFixtureTest.cases(Device.CUDA);
    }

    @TestFactory Stream<DynamicTest> pytorchOpFixturesOnRecycledCudaMemory() throws Exception {
        assumeCuda();
        return OpsFixtureTest.recycledCases(Device.CUDA);
    }

    @Test void backendIsLoadedByName() {
        Backend b = Backends.get(Device.CUDA);
        assertSame(CudaBackend.class, b.getClass());
        assertEquals(Device.CUDA, b.fromHost(new float[]{1, 2}).device());
    }

    // ---- tensor level: CPU vs CUDA, forward and gradients ----------------------------------------

    /** f on both devices from the same inputs: output and every input gradient (loss = sum(out * gout)). */
    static void sameOnBoth(String what, double rtol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        float[][][] res = new float[2][][];
        Device[] devs = {Device.CPU, Device.CUDA};
        for (int d = 0; d < 2; d++) {
            Tensor[] leaves = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++)
                leaves[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).to(devs[d]).requiresGrad(true);
            Tensor out = f.apply(leaves);
            assertEquals(devs[d], out.device(), what + ": output device");
            Tensor gout = Tensor.randn(new Rng(99), out.shape()).to(devs[d]);
            out.mul(gout).sum().backward();
            res[d] = new float[inputs.length + 1][];
            res[d][0] = out.toArray();
            for (int i = 0; i < inputs.length; i++) res[d][i + 1] = leaves[i].grad() == null ? new float[0] : leaves[i].grad().toArray();
        }
        Fixtures.assertClose(what + " out", res[0][0], res[1][0], rtol);
        for (int i = 0; i < inputs.length; i++) Fixtures.assertClose(what + " grad" + i, res[0][i + 1], res[1][i + 1], rtol);
    }

    static Tensor randn(long seed, float scale, int... shape) { return Tensor.randn(new Rng(seed), shape).mul(scale); }

    @Test void geluErfClampAbsAndFusedBackwardsMatchCpu() {
        Tensor x = randn(1, 3f, 7, 133);
        sameOnBoth("gelu_erf", RTOL, t -> Elementwise.geluErf(t[0]), x);
        sameOnBoth("gelu_erf wide", RTOL, t -> Elementwise.geluErf(t[0]), randn(2, 8f, 3, 50));
        sameOnBoth("gelu_tanh", RTOL, t -> t[0].gelu(), x);
        sameOnBoth("clamp_min", RTOL, t -> t[0].clampMin(0.3f), x);
        sameOnBoth("abs", RTOL, t -> Elementwise.abs(t[0]), x);
        sameOnBoth("relu", RTOL, t -> t[0].relu(), x);
        sameOnBoth("tanh large", RTOL, t -> t[0].tanh(), randn(3, 6f, 5, 40));
        sameOnBoth("sigmoid large", RTOL, t -> t[0].sigmoid(), randn(4, 10f, 5, 40));
        sameOnBoth("rsub", RTOL, t -> Elementwise.rsubScalar(t[0], 2.5f), x);
        sameOnBoth("exp log sqrt", RTOL, t -> Elementwise.abs(t[0]).add(0.5f).sqrt().log().exp(), x);
    }

    @Test void stridedBroadcastWhereAndComparisonsMatchCpu() {
        Tensor a = randn(5, 1f, 4, 3, 5), b = randn(6, 1f, 5, 3);
        sameOnBoth("transposed + broadcast", RTOL, t -> t[0].add(t[1].transpose(0, 1)), a, b);
        sameOnBoth("div by strided", RTOL, t -> t[0].div(Elementwise.abs(t[1].transpose(0, 1)).add(1f)), a, b);
        sameOnBoth("rank 8 broadcast both ways", RTOL, t -> t[0].mul(t[1]), randn(7, 1f, 2, 1, 3, 1, 2, 1, 3, 2),
                randn(8, 1f, 1, 4, 1, 5, 1, 2, 1, 1));
        Tensor cond = Elementwise.binaryRaw(BinaryOp.GT, randn(9, 1f, 4, 1, 5), Tensor.scalar(0f));
        sameOnBoth("where broadcast", RTOL, t -> F.where(cond.to(t[0].device()), t[0], t[1].transpose(0, 1)), a, b);
        Tensor p = randn(10, 1f, 6, 7), q = randn(11, 1f, 6, 7);
        for (BinaryOp op : new BinaryOp[]{BinaryOp.EQ, BinaryOp.GT, BinaryOp.MAX}) {
            Tensor pq = q.narrow(1, 0, 3).add(0f); // some equal elements for EQ
            Tensor pc = F.cat(1, pq, p.narrow(1, 3, 4));
            float[] cpu = Elementwise.binaryRaw(op, p, pc.transpose(0, 1).transpose(0, 1)).toArray();
            float[] gpu = Elementwise.binaryRaw(op, p.to(Device.CUDA), pc.to(Device.CUDA).transpose(0, 1).transpose(0, 1)).toArray();
            assertArrayEquals(cpu, gpu, op.name());
        }
    }

    @Test void reductionsSoftmaxNormsAndMatmulOnViewsMatchCpu() {
        Tensor x = randn(12, 1f, 3, 17, 33);
        sameOnBoth("sum middle", RTOL, t -> t[0].sum(1, false), x);
        sameOnBoth("mean last", RTOL, t -> t[0].mean(-1, true), x);
        sameOnBoth("max middle", RTOL, t -> t[0].max(1, false), x);
        sameOnBoth("softmax of narrow", RTOL, t -> t[0].narrow(2, 3, 20).softmax(-1), x);
        sameOnBoth("log_softmax transposed", RTOL, t -> t[0].transpose(1, 2).logSoftmax(-1), x);
        sameOnBoth("layer_norm no affine", RTOL, t -> F.layerNorm(t[0].narrow(1, 1, 9), null, null, 1e-5f), x);
        sameOnBoth("layer_norm affine", RTOL, t -> F.layerNorm(t[0], t[1], t[2], 1e-5f), x, randn(13, 1f, 33), randn(14, 1f, 33));
        sameOnBoth("batched matmul of views", 1e-4, t -> t[0].transpose(1, 2).matmul(t[1].narrow(1, 2, 17)), x, randn(15, 1f, 3, 20, 5));
        sameOnBoth("unfold overlapping", RTOL, t -> t[0].unfold(2, 5, 2).mul(t[0].unfold(2, 5, 2)), x);
        sameOnBoth("conv1d", 1e-4, t -> F.conv1d(t[0], t[1], t[2]), randn(16, 1f, 2, 4, 19), randn(17, 1f, 6, 4, 3), randn(18, 1f, 6));
    }

    @Test void embeddingCrossEntropyAndDropoutMatchCpu() {
        int[] ids = {3, 1, 3, 0, 7, 3, 1, 9};
        int[] targets = {2, -100, 5, 0, 9, 1, -100, 3};
        sameOnBoth("embedding repeated ids", RTOL, t -> F.embedding(t[0], ids, 2, 4), randn(19, 1f, 10, 6));
        sameOnBoth("cross_entropy ignore", RTOL, t -> F.crossEntropy(t[0].narrow(1, 1, 10), targets, -100), randn(20, 2f, 8, 12));
        Tensor x = randn(21, 1f, 37, 101);
        for (float p : new float[]{0.1f, 0.5f, 0.9f}) {
            float[] cpu = F.dropout(x, p, 1234L).toArray(), gpu = F.dropout(x.to(Device.CUDA), p, 1234L).toArray();
            assertArrayEquals(cpu, gpu, "dropout p=" + p);
        }
    }

    @Test void dropoutMaskIsBitEqualToCounterRng() {
        int n = 100_003;
        for (float p : new float[]{0f, 0.1f, 0.37f, 1f}) {
            for (long seed : new long[]{0L, 42L, -7L, 0x9E3779B97F4A7C15L}) {
                Storage m = Backends.get(Device.CUDA).allocate(n);
                Backends.get(Device.CUDA).dropoutMask(m, n, p, seed);
                float[] gpu = m.backend().toHost(Span.of(m), n);
                Storage c = Backends.get(Device.CPU).allocate(n);
                Backends.get(Device.CPU).dropoutMask(c, n, p, seed);
                float[] cpu = c.backend().toHost(Span.of(c), n);
                assertArrayEquals(cpu, gpu, "mask p=" + p + " seed=" + seed);
                if (p > 0 && p < 1) assertEquals(CounterRng.uniform(seed, 5) >= p ? 1f / (1f - p) : 0f, gpu[5]);
                m.release();
            }
        }
    }

    // ---- backend level: every primitive with non-zero offsets --------------------------------------

    interface Prog { void run(Backend b, Storage[] s); }

    /** Runs prog on both backends over storages initialised from init; every storage must agree afterwards. */
    static void sameStorages(String what, double rtol, float[][] init, Prog prog) {
        float[][][] res = new float[2][init.length][];
        Backend[] bs = {Backends.get(Device.CPU), Backends.get(Device.CUDA)};
        for (int d = 0; d < 2; d++) {
            Storage[] s = new Storage[init.length];
            for (int i = 0; i < init.length; i++) s[i] = bs[d].fromHost(init[i].clone());
            prog.run(bs[d], s);
            for (int i = 0; i < init.length; i++) res[d][i] = bs[d].toHost(Span.of(s[i]), s[i].size());
            for (Storage st : s) st.release();
        }
        for (int i = 0; i < init.length; i++) Fixtures.assertClose(what + " storage " + i, res[0][i], res[1][i], rtol);
    }

    /** The AdamW scalars the tests use: lr 1e-2, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, step 2's bias corrections. */
    static final AdamWStep STEP = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 1 - 0.9f * 0.9f, 1 - 0.999f * 0.999f);

    static float[] rnd(long seed, int n) { return Tensor.randn(new Rng(seed), n).toArray(); }

    @Test void primitivesWithOffsetsMatchCpu() {
        for (UnaryOp op : UnaryOp.values()) {
            float[] x = rnd(30, 300);
            if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR)
                for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]) + 0.1f;
            sameStorages("unary " + op, RTOL, new float[][]{x, new float[400]},
                    (b, s) -> b.unary(op, new Span(s[1], 77), new Span(s[0], 13), 250, 1.7f));
        }
        for (UnaryOp op : new UnaryOp[]{UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.GELU, UnaryOp.GELU_ERF, UnaryOp.CLAMP_MIN,
                UnaryOp.ABS})
            sameStorages("unaryBackward " + op, RTOL, new float[][]{rnd(31, 300), rnd(32, 300), new float[300]},
                    (b, s) -> b.unaryBackward(op, new Span(s[2], 11), new Span(s[0], 5), new Span(s[1], 40), 230, -0.2f));
        sameStorages("fill + copy", 0, new float[][]{rnd(33, 100), new float[100]}, (b, s) -> {
            b.fill(new Span(s[1], 3), 20, 2.5f);
            b.copy(new View(s[1], 50, new int[]{4, 5}, new int[]{5, 1}), new View(s[0], 7, new int[]{4, 5}, new int[]{1, 4}), false);
            b.copy(new View(s[1], 80, new int[]{3, 4}, new int[]{2, 1}), new View(s[0], 60, new int[]{3, 4}, new int[]{4, 1}),
                    true); // overlapping
        });
        sameStorages("reduce", RTOL, new float[][]{rnd(34, 1000), new float[200]}, (b, s) -> {
            b.reduce(ReduceOp.SUM, new Span(s[1], 3), new Span(s[0], 9), 4, 30, 7);
            b.reduce(ReduceOp.MAX, new Span(s[1], 40), new Span(s[0], 1), 5, 33, 1);
            b.reduce(ReduceOp.MAX, new Span(s[1], 60), new Span(s[0], 2), 3, 10, 6);
        });
        sameStorages("gemm", 1e-5, new float[][]{rnd(35, 2000), rnd(36, 2000), rnd(37, 2000)}, (b, s) -> {
            b.gemm(new Matrix(s[2], 17, 9, 80), new Matrix(s[0], 3, 11, 100), new Matrix(s[1], 5, 9, 120),
                    new GemmShape(false, false, 7, 9, 11, 3),
                    1.5f, 0.5f);
            b.gemm(Matrix.of(s[2], 900, 5), Matrix.of(s[0], 400, 6), Matrix.of(s[1], 700, 8), GemmShape.of(true, true, 6, 5, 8), 1f, 0f);
        });
        sameStorages("softmax", RTOL, new float[][]{rnd(38, 500), new float[500], rnd(39, 500), new float[500]}, (b, s) -> {
            b.softmax(new Span(s[1], 9), new Span(s[0], 5), 6, 50, false);
            b.softmaxBackward(new Span(s[3], 1), new Span(s[1], 9), new Span(s[2], 3), 6, 50, false);
            b.softmax(new Span(s[1], 309), new Span(s[0], 305), 3, 40, true);
            b.softmaxBackward(new Span(s[3], 301), new Span(s[1], 309), new Span(s[2], 303), 3, 40, true);
        });
        int rows = 6, cols = 37;
        sameStorages("layer norm", 1e-5, new float[][]{rnd(40, 300), rnd(41, cols), rnd(42, cols), new float[rows * cols],
                new float[rows], new float[rows], rnd(43, rows * cols), new float[rows * cols], rnd(44, cols), rnd(45, cols)}, (b, s) -> {
                    NormStats saved = new NormStats(s[4], s[5]);
                    b.layerNorm(s[3], saved, new Span(s[0], 17), new Affine(s[1], s[2]), rows, cols, 1e-5f);
                    b.layerNormBackward(s[7], new Affine(s[8], s[9]), s[6], new Span(s[0], 17), saved, s[1], rows, cols); // gw, gb accumulate
                    b.layerNorm(s[3], saved, new Span(s[0], 1), Affine.NONE, rows, cols, 1e-5f);
                    b.layerNormBackward(s[7], Affine.NONE, s[6], new Span(s[0], 1), saved, null, rows, cols);
                });
        int[] ids = {4, 0, 4, 2, 4};
        sameStorages("gather / scatter rows", RTOL, new float[][]{rnd(46, 100), new float[5 * 6], rnd(47, 5 * 6), rnd(48, 100)}, (b, s) -> {
            b.gatherRows(s[1], new Span(s[0], 10), ids, 6);
            b.scatterAddRows(new Span(s[3], 7), s[2], ids, 6);
        });
        int[] targets = {3, -1, 0, 8};
        sameStorages("cross entropy", RTOL, new float[][]{rnd(49, 100), new float[4], new float[4], new float[36], {0f, 3f}}, (b, s) -> {
            b.crossEntropy(s[1], s[2], new Span(s[0], 11), new Targets(targets, -1), 4, 9);
            b.crossEntropyBackward(s[3], new Span(s[0], 11), s[2], new Targets(targets, -1), new Span(s[4], 1), 4, 9, 0.25f);
        });
        float[] v = rnd(50, 64);
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        sameStorages("adamw", RTOL, new float[][]{rnd(51, 64), rnd(52, 64), rnd(53, 64), v},
                (b, s) -> b.adamw(s[0], s[2], s[3], s[1], 64, STEP));       // param, m, v; grad
        int[] sizes = {1, 300, 5000};                // one launch for all three on CUDA, one call each on the CPU
        float[][] state = new float[4 * sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            for (int j = 0; j < 4; j++) state[4 * i + j] = rnd(60 + 4 * i + j, sizes[i]);
            for (int e = 0; e < sizes[i]; e++) state[4 * i + 3][e] = Math.abs(state[4 * i + 3][e]);
        }
        sameStorages("adamw over several tensors", RTOL, state, (b, s) -> {
            Storage[][] parts = new Storage[4][sizes.length];
            for (int i = 0; i < sizes.length; i++) for (int j = 0; j < 4; j++) parts[j][i] = s[4 * i + j];
            if (b instanceof io.medualtime.tensor.backend.MultiTensorAdamW multi)
                multi.adamw(parts[0], parts[2], parts[3], parts[1], sizes, STEP);
            else
                for (int i = 0; i < sizes.length; i++)
                    b.adamw(parts[0][i], parts[2][i], parts[3][i], parts[1][i], sizes[i], STEP);
        });
        sameStorages("binary and where on raw views", 0, new float[][]{rnd(54, 100), rnd(55, 100), new float[100]}, (b, s) -> {
            var a = new View(s[0], 3, new int[]{4, 5}, new int[]{5, 1});
            var c = new View(s[1], 0, new int[]{4, 5}, new int[]{0, 1});
            b.binary(BinaryOp.SUB, new Span(s[2], 10), a, c);
            b.where(new Span(s[2], 40), c, a, new View(s[1], 50, new int[]{4, 5}, new int[]{1, 4}));
        });
    }
}
