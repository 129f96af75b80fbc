package io.medualtime.tensor;

import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finite-difference gradient check of every op: the analytic gradient of
 * L = sum(op(inputs) * W) (W random) against central differences (L(x+h) - L(x-h)) / 2h, with
 * L accumulated in double. Our tensors are float32, so the differences carry float32 rounding of
 * the op's outputs: h = 1e-2 (scaled) and a tolerance of 1e-2 relative to the gradient's
 * magnitude. A wrong backward (a missing factor, a transposed index, a dropped broadcast sum)
 * is off by O(1) and fails; exactness to 1e-5 is the job of the PyTorch fixtures (OpsFixtureTest).
 * Inputs include broadcasting and non-contiguous (transposed, narrowed) views.
 */
class GradCheckTest {
    static final double TOL = 1e-2;

    record Case(String name, Function<Tensor[], Tensor> f, Tensor[] inputs) {}

    static Tensor rnd(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }
    static Tensor pos(long seed, int... shape) { return Tensor.rand(new Rng(seed), 0.5f, 2f, shape); }
    /** A non-contiguous [a, b] view: the transpose of a contiguous [b, a]. */
    static Tensor transposed(long seed, int a, int b) {
        return rnd(seed, b, a).transpose(0, 1);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("add_broadcast", t -> t[0].add(t[1]), new Tensor[]{rnd(1, 3, 1, 5), rnd(2, 4, 5)}));
        c.add(new Case("sub_noncontig", t -> t[0].sub(t[1]), new Tensor[]{transposed(3, 3, 4), rnd(4, 4)}));
        c.add(new Case("mul_broadcast", t -> t[0].mul(t[1]), new Tensor[]{rnd(5, 2, 3), rnd(6, 3)}));
        c.add(new Case("div", t -> t[0].div(t[1]), new Tensor[]{rnd(7, 3, 4), pos(8, 1, 4)}));
        c.add(new Case("pow", t -> t[0].pow(t[1]), new Tensor[]{pos(9, 3, 4), rnd(10, 3, 4)}));
        c.add(new Case("neg", t -> t[0].neg(), new Tensor[]{rnd(11, 5)}));
        c.add(new Case("scalars", t -> t[0].add(2f).mul(-1.5f).div(3f), new Tensor[]{rnd(12, 2, 3)}));
        c.add(new Case("pow_scalar", t -> t[0].pow(2.5f), new Tensor[]{pos(13, 2, 3)}));
        c.add(new Case("sqrt", t -> t[0].sqrt(), new Tensor[]{pos(14, 6)}));
        c.add(new Case("exp", t -> t[0].exp(), new Tensor[]{rnd(15, 6)}));
        c.add(new Case("log", t -> t[0].log(), new Tensor[]{pos(16, 6)}));
        c.add(new Case("tanh", t -> t[0].tanh(), new Tensor[]{transposed(17, 3, 5)}));
        c.add(new Case("sigmoid", t -> t[0].sigmoid(), new Tensor[]{rnd(18, 7)}));
        c.add(new Case("relu", t -> t[0].relu(), new Tensor[]{rnd(19, 9)}));
        c.add(new Case("gelu", t -> t[0].gelu(), new Tensor[]{rnd(20, 4, 5)}));
        c.add(new Case("gelu_erf", t -> io.medualtime.tensor.ops.Elementwise.geluErf(t[0].mul(2f)), new Tensor[]{rnd(200, 4, 5)}));
        c.add(new Case("clamp_min", t -> t[0].clampMin(0.3f), new Tensor[]{rnd(21, 9)}));
        c.add(new Case("matmul_2d", t -> t[0].matmul(t[1]), new Tensor[]{rnd(22, 3, 4), rnd(23, 4, 5)}));
        c.add(new Case("matmul_batched_transposed", t -> t[0].matmul(t[1].transpose(-1, -2)),
                new Tensor[]{rnd(24, 2, 3, 4), rnd(25, 2, 5, 4)}));
        c.add(new Case("matmul_broadcast", t -> t[0].matmul(t[1]), new Tensor[]{rnd(26, 2, 1, 3, 4), rnd(27, 3, 4, 2)}));
        c.add(new Case("matmul_weight", t -> t[0].matmul(t[1]), new Tensor[]{rnd(28, 2, 3, 4), rnd(29, 4, 6)}));
        c.add(new Case("matmul_vector", t -> t[0].matmul(t[1]), new Tensor[]{rnd(30, 3, 4), rnd(31, 4)}));
        c.add(new Case("sum_dims", t -> t[0].sum(new int[]{0, 2}, true), new Tensor[]{rnd(32, 2, 3, 4)}));
        c.add(new Case("mean_noncontig", t -> t[0].mean(1, false), new Tensor[]{transposed(33, 3, 4)}));
        c.add(new Case("max", t -> t[0].max(1, false), new Tensor[]{rnd(34, 3, 5)}));
        c.add(new Case("var_unbiased", t -> t[0].var(new int[]{1}, true, false), new Tensor[]{rnd(35, 3, 5)}));
        c.add(new Case("var_biased_keep", t -> t[0].var(new int[]{0, 1}, false, true), new Tensor[]{rnd(36, 3, 5)}));
        c.add(new Case("softmax_dim0", t -> t[0].softmax(0), new Tensor[]{rnd(37, 4, 3)}));
        c.add(new Case("log_softmax", t -> t[0].logSoftmax(-1), new Tensor[]{rnd(38, 3, 6)}));
        c.add(new Case("layer_norm", t -> F.layerNorm(t[0], t[1], t[2], 1e-5f), new Tensor[]{rnd(39, 3, 6), rnd(40, 6), rnd(41, 6)}));
        c.add(new Case("embedding", t -> F.embedding(t[0], new int[]{1, 4, 1, 0}, 2, 2), new Tensor[]{rnd(42, 5, 3)}));
        c.add(new Case("cross_entropy", t -> F.crossEntropy(t[0], new int[]{1, -100, 3, 0}), new Tensor[]{rnd(43, 4, 5)}));
        c.add(new Case("cat", t -> F.cat(1, t[0], t[1]), new Tensor[]{rnd(44, 2, 3), transposed(45, 2, 2)}));
        c.add(new Case("stack", t -> F.stack(0, t[0], t[1]), new Tensor[]{rnd(46, 2, 3), rnd(47, 2, 3)}));
        c.add(new Case("split", t -> F.split(t[0], 1, 2, 3)[1].mul(2f), new Tensor[]{rnd(48, 2, 5)}));
        c.add(new Case("chunk", t -> F.chunk(t[0], 2, 0)[1], new Tensor[]{rnd(49, 5, 2)}));
        c.add(new Case("gather", t -> F.gather(t[0], 1, new int[]{0, 2, 2, 1, 4, 0}, 3, 2), new Tensor[]{rnd(50, 3, 5)}));
        c.add(new Case("index_select", t -> F.indexSelect(t[0], 1, new int[]{2, 0, 2}), new Tensor[]{rnd(51, 3, 4)}));
        Tensor cond = Tensor.of(new float[]{1, 0, 0, 1, 1, 0}, 2, 3);
        c.add(new Case("where", t -> F.where(cond, t[0], t[1]), new Tensor[]{rnd(52, 2, 3), rnd(53, 1, 3)}));
        c.add(new Case("masked_fill", t -> F.maskedFill(t[0], cond, -4f), new Tensor[]{rnd(54, 2, 3)}));
        c.add(new Case("linear", t -> F.linear(t[0], t[1], t[2]), new Tensor[]{rnd(90, 2, 3, 4), rnd(91, 4, 5), rnd(92, 5)}));
        c.add(new Case("linear_transposed_weight", t -> F.linear(t[0], t[1].transpose(0, 1), t[2]),
                new Tensor[]{rnd(93, 3, 4), rnd(94, 5, 4), rnd(95, 5)}));
        c.add(new Case("conv1d_bias", t -> F.conv1d(t[0], t[1], t[2]), new Tensor[]{rnd(55, 2, 3, 6), rnd(56, 4, 3, 3), rnd(57, 4)}));
        c.add(new Case("conv1d_k5", t -> F.conv1d(t[0], t[1], null), new Tensor[]{rnd(58, 1, 2, 7), rnd(59, 2, 2, 5)}));
        c.add(new Case("batch_norm_train", t -> F.batchNorm1d(t[0], t[1], t[2], Tensor.zeros(3), Tensor.ones(3), true, 0.1f, 1e-5f),
                new Tensor[]{rnd(60, 4, 3, 5), rnd(61, 3), rnd(62, 3)}));
        c.add(new Case("batch_norm_train_strided_no_affine",
                t -> F.batchNorm1d(t[0].permute(1, 0, 2), null, null, null, null, true, 0.1f, 1e-5f),
                new Tensor[]{rnd(69, 3, 4, 5)}));
        c.add(new Case("batch_norm_eval", t -> F.batchNorm1d(t[0], t[1], t[2], Tensor.of(new float[]{0.1f, -0.2f, 0.3f}),
                Tensor.of(new float[]{1.5f, 0.7f, 2f}), false, 0.1f, 1e-5f), new Tensor[]{rnd(63, 4, 3), rnd(64, 3), rnd(65, 3)}));
        c.add(new Case("l2_normalize", t -> F.l2Normalize(t[0], -1, 1e-12f), new Tensor[]{rnd(66, 3, 4)}));
        c.add(new Case("unfold", t -> t[0].unfold(-1, 3, 2), new Tensor[]{rnd(67, 2, 9)}));
        c.add(new Case("views", t -> t[0].permute(2, 0, 1).reshape(4, 6).narrow(0, 1, 2).unsqueeze(0).squeeze(0).expand(3, 2, 6),
                new Tensor[]{rnd(68, 2, 3, 4)}));
        c.add(new Case("slice_step", t -> F.slice(t[0], 1, 1, 7, 2), new Tensor[]{rnd(69, 2, 8)}));
        c.add(new Case("dropout", t -> F.dropout(t[0], 0.3f, 42L), new Tensor[]{rnd(70, 4, 8)}));
        return c;
    }

    @TestFactory Stream<DynamicTest> everyOp() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    static void check(Case c) {
        Tensor[] leaves = new Tensor[c.inputs.length];
        for (int i = 0; i < leaves.length; i++) leaves[i] = c.inputs[i].detach().requiresGrad(true);
        Tensor out = c.f.apply(leaves);
        Tensor w = Tensor.randn(new Rng(99), out.shape());
        float[] wv = w.toArray();
        out.mul(w).sum().backward();
        for (int i = 0; i < leaves.length; i++) {
            float[] analytic = leaves[i].grad() == null ? new float[leaves[i].numel()] : leaves[i].grad().contiguous().toArray();
            float[] numeric = numericGrad(c, i, wv);
            Fixtures.assertClose(c.name + " input " + i, numeric, analytic, TOL);
        }
    }

    /** Central differences of L = sum(f(x) * w) for each element of input i. */
    static float[] numericGrad(Case c, int which, float[] w) {
        Tensor base = c.inputs[which];
        float[] x = base.contiguous().toArray();
        float[] g = new float[x.length];
        try (GradMode m = GradMode.noGrad()) {
            for (int j = 0; j < x.length; j++) {
                float h = 1e-2f * Math.max(1f, Math.abs(x[j]));
                double[] l = new double[2];
                for (int s = 0; s < 2; s++) {
                    float[] xp = x.clone();
                    xp[j] += s == 0 ? h : -h;
                    Tensor[] in = c.inputs.clone();
                    in[which] = relayout(base, xp);
                    float[] y = c.f.apply(in).contiguous().toArray();
                    double acc = 0;
                    for (int k = 0; k < y.length; k++) acc += (double) y[k] * w[k];
                    l[s] = acc;
                }
                g[j] = (float) ((l[0] - l[1]) / (2 * h));
            }
        }
        return g;
    }

    /** New values in the same (possibly non-contiguous) layout as the original input. */
    static Tensor relayout(Tensor like, float[] values) {
        int[] s = like.shape();
        if (like.isContiguous()) return Tensor.of(values, s);
        // inputs built by transposed(): the transpose of a contiguous tensor
        Tensor t = Tensor.of(values, s).transpose(0, 1).contiguous();
        return t.transpose(0, 1);
    }
}
