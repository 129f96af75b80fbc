package io.medualtime.tensor;

import io.medualtime.tensor.cuda.CudaRuntime;
import io.medualtime.tensor.ops.GatedPrefixAttention;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gated prefix attention node against (a) finite differences (GradCheckTest's method and
 * 1e-2 tolerance) and (b) the same computation composed from existing autograd ops, which is
 * PyTorch's formula term for term ({@code tanh(g) * dropout(softmax(q ka^T / sqrt(hd))) va}): forward
 * and every gradient within 1e-5 relative to magnitude. Covers per-sample and batch-shared tokens,
 * dropout, non-contiguous inputs and the zero gate.
 */
class GatedPrefixAttentionTest {
    static final int B = 2, H = 3, T = 4, K = 5, HD = 6;

    static Tensor rnd(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** The reference: composed from autograd ops. */
    static Tensor composed(Tensor q, Tensor ka, Tensor va, Tensor gate, float p, long seed) {
        Tensor scores = q.matmul(ka.transpose(-1, -2)).mul((float) (1 / Math.sqrt(q.size(-1))));
        Tensor probs = F.dropout(scores.softmax(-1), p, seed);
        return gate.reshape(1, q.size(1), 1, 1).tanh().mul(probs.matmul(va));
    }

    static Function<Tensor[], Tensor> fused(float p, long seed) {
        return t -> GatedPrefixAttention.apply(t[0], t[1], t[2], t[3], p, seed);
    }

    static Tensor[] inputs(int kvBatch, long seed) {
        return new Tensor[]{rnd(seed, B, H, T, HD), rnd(seed + 1, kvBatch, H, K, HD), rnd(seed + 2, kvBatch, H, K, HD),
                rnd(seed + 3, 1, H, 1, 1)};
    }

    @Test void fusesOnlyWhereTheBackendHasTheKernels() {
        assertFalse(GatedPrefixAttention.fuses(rnd(1, 2)));
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        assertTrue(GatedPrefixAttention.fuses(rnd(1, 2).to(Device.CUDA)));
    }

    @Test void gradCheckPerSampleTokens() {
        GradCheckTest.check(new GradCheckTest.Case("gated_prefix_attention", fused(0f, 0), inputs(B, 10)));
    }

    @Test void gradCheckSharedTokensAndDropout() {
        GradCheckTest.check(new GradCheckTest.Case("gated_prefix_attention_shared", fused(0f, 0), inputs(1, 20)));
        GradCheckTest.check(new GradCheckTest.Case("gated_prefix_attention_dropout", fused(0.3f, 77L), inputs(B, 30)));
    }

    @Test void gradCheckNonContiguousQueries() {
        Tensor[] in = inputs(B, 40);
        in[0] = rnd(44, B, T, H, HD);
        // q as GPT-2's heads() hands it over: a [B, T, H, hd] tensor viewed as [B, H, T, hd]
        GradCheckTest.check(new GradCheckTest.Case("gated_prefix_attention_noncontig",
                t -> GatedPrefixAttention.apply(t[0].transpose(1, 2), t[1], t[2], t[3], 0f, 0), in));
    }

    @Test void matchesComposedOpsPerSample() { compare(inputs(B, 50), 0f, 0); }

    @Test void matchesComposedOpsShared() { compare(inputs(1, 60), 0f, 0); }

    @Test void matchesComposedOpsWithDropout() {
        compare(inputs(B, 70), 0.25f, 1234L);
        compare(inputs(1, 80), 0.25f, 99L);
    }

    static void compare(Tensor[] in, float p, long seed) {
        Tensor[] a = leaves(in), b = leaves(in);
        Tensor ya = GatedPrefixAttention.apply(a[0], a[1], a[2], a[3], p, seed);
        Tensor yb = composed(b[0], b[1], b[2], b[3], p, seed);
        Fixtures.assertClose("forward", yb, ya, 1e-5);
        Tensor w = rnd(5, ya.shape());
        ya.mul(w).sum().backward();
        yb.mul(w).sum().backward();
        String[] names = {"q", "ka", "va", "gate"};
        for (int i = 0; i < 4; i++) Fixtures.assertClose("grad " + names[i], b[i].grad(), a[i].grad(), 1e-5);
    }

    static Tensor[] leaves(Tensor[] in) {
        Tensor[] out = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i].detach().requiresGrad(true);
        return out;
    }

    @Test void zeroGateGivesExactlyZeroTokenGradientsButAGateGradient() {
        Tensor[] in = leaves(inputs(B, 90));
        in[3] = Tensor.zeros(1, H, 1, 1).requiresGrad(true);
        Tensor y = GatedPrefixAttention.apply(in[0], in[1], in[2], in[3], 0.1f, 3L);
        for (float v : y.toArray()) assertEquals(0f, v, 0f); // -0.0 counts as zero
        y.mul(rnd(6, y.shape())).sum().backward();
        for (int i = 0; i < 3; i++) for (float v : in[i].grad().toArray()) assertEquals(0f, v, 0f);
        float norm = 0;
        for (float v : in[3].grad().toArray()) norm += Math.abs(v);
        assertTrue(norm > 0, "the gate must get a gradient while it is zero");
    }

    /** The same node on Device.CUDA against the CPU (dropout masks are bit-equal by design); skipped without a GPU. */
    @Test void cudaMatchesCpu() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        for (int kvBatch : new int[]{B, 1}) {
            for (float p : new float[]{0f, 0.25f}) {
                Tensor[] in = inputs(kvBatch, 120 + kvBatch);
                Tensor[] cpu = leaves(in), gpu = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) gpu[i] = in[i].to(Device.CUDA).detach().requiresGrad(true);
                Tensor yc = GatedPrefixAttention.apply(cpu[0], cpu[1], cpu[2], cpu[3], p, 5L);
                Tensor yg = GatedPrefixAttention.apply(gpu[0], gpu[1], gpu[2], gpu[3], p, 5L);
                assertEquals(Device.CUDA, yg.device());
                Fixtures.assertClose("cuda forward", yc, yg, 1e-5);
                Tensor w = rnd(7, yc.shape());
                yc.mul(w).sum().backward();
                yg.mul(w.to(Device.CUDA)).sum().backward();
                for (int i = 0; i < 4; i++)
                    Fixtures.assertClose("cuda grad " + i + " kv " + kvBatch + " p " + p, cpu[i].grad(), gpu[i].grad(), 1e-5);
            }
        }
    }

    /**
     * Rows wider than a warp on CUDA (a warp per row): more tokens than lanes (K = 37: lanes own
     * tokens l and l + 32) and features (hd = 70: lanes write d, d + 32, d + 64), with dropout; then
     * without q's gradient (the kernel skips dq) - against the CPU.
     */
    @Test void cudaMatchesCpuOnRowsWiderThanAWarp() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        int k = 37, hd = 70;
        for (boolean qGrad : new boolean[]{true, false}) {
            Tensor[] in = {rnd(140, B, H, T, hd), rnd(141, B, H, k, hd), rnd(142, B, H, k, hd), rnd(143, 1, H, 1, 1)};
            Tensor[] cpu = new Tensor[4], gpu = new Tensor[4];
            for (int i = 0; i < 4; i++) {
                boolean grad = i > 0 || qGrad;
                cpu[i] = grad ? in[i].detach().requiresGrad(true) : in[i];
                gpu[i] = grad ? in[i].to(Device.CUDA).detach().requiresGrad(true) : in[i].to(Device.CUDA);
            }
            Tensor yc = GatedPrefixAttention.apply(cpu[0], cpu[1], cpu[2], cpu[3], 0.25f, 9L);
            Tensor yg = GatedPrefixAttention.apply(gpu[0], gpu[1], gpu[2], gpu[3], 0.25f, 9L);
            Fixtures.assertClose("wide rows forward", yc, yg, 1e-5);
            Tensor w = rnd(144, yc.shape());
            yc.mul(w).sum().backward();
            yg.mul(w.to(Device.CUDA)).sum().backward();
            for (int i = qGrad ? 0 : 1; i < 4; i++)
                Fixtures.assertClose("wide rows grad " + i + " (q grad " + qGrad + ")", cpu[i].grad(), gpu[i].grad(), 1e-5);
        }
    }

    /**
     * With a base (GPT-2's token-major attention output): base + term^T on CUDA - written by the forward
     * kernel, its gradient read token-major - against the CPU's composed sum; every input's gradient,
     * the base's too, with dropout, per-sample and shared tokens.
     */
    @Test void cudaSumIntoTheAttentionOutputMatchesCpu() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        for (int kvBatch : new int[]{B, 1}) {
            Tensor[] in = inputs(kvBatch, 150 + kvBatch), cpu = new Tensor[5], gpu = new Tensor[5];
            Tensor base = rnd(160, B, T, H, HD);
            for (int i = 0; i < 5; i++) {
                Tensor x = i < 4 ? in[i] : base;
                cpu[i] = x.detach().requiresGrad(true);
                gpu[i] = x.to(Device.CUDA).detach().requiresGrad(true);
            }
            Tensor yc = GatedPrefixAttention.apply(cpu[0], cpu[1], cpu[2], cpu[3], 0.25f, 11L, cpu[4]);
            Tensor yg = GatedPrefixAttention.apply(gpu[0], gpu[1], gpu[2], gpu[3], 0.25f, 11L, gpu[4]);
            assertArrayEquals(new int[]{B, T, H, HD}, yg.shape());
            Fixtures.assertClose("with base, forward kv " + kvBatch, yc, yg, 1e-5);
            Tensor w = rnd(161, yc.shape());
            yc.mul(w).sum().backward();
            yg.mul(w.to(Device.CUDA)).sum().backward();
            for (int i = 0; i < 5; i++)
                Fixtures.assertClose("with base, grad " + i + " kv " + kvBatch, cpu[i].grad(), gpu[i].grad(), 1e-5);
        }
    }

    @Test void baseMustBeTokenMajor() {
        Tensor[] in = inputs(B, 170);
        assertThrows(IllegalArgumentException.class,
                () -> GatedPrefixAttention.apply(in[0], in[1], in[2], in[3], 0f, 0L, rnd(171, B, H, T, HD)));
    }

    /** As a caller that projects the tokens once passes them: ka and va are head views of one [B or 1, K, 2 * H * hd] key/value tensor (read in place on CUDA). */
    @Test void cudaMatchesCpuOnTokenViews() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        for (int kvBatch : new int[]{B, 1}) {
            Tensor q = rnd(130, B, H, T, HD), kv = rnd(131, kvBatch, K, 2 * H * HD), gate = rnd(132, 1, H, 1, 1);
            Tensor[] cpu = {q, kv, gate}, gpu = {q.to(Device.CUDA), kv.to(Device.CUDA), gate.to(Device.CUDA)};
            Tensor[] leavesCpu = new Tensor[3], leavesGpu = new Tensor[3];
            Tensor[] ys = new Tensor[2];
            for (int d = 0; d < 2; d++) {
                Tensor[] in = d == 0 ? cpu : gpu, leaves = d == 0 ? leavesCpu : leavesGpu;
                for (int i = 0; i < 3; i++) leaves[i] = in[i].detach().requiresGrad(true);
                Tensor ka = leaves[1].narrow(2, 0, H * HD).reshape(kvBatch, K, H, HD).transpose(1, 2);
                Tensor va = leaves[1].narrow(2, H * HD, H * HD).reshape(kvBatch, K, H, HD).transpose(1, 2);
                ys[d] = GatedPrefixAttention.apply(leaves[0], ka, va, leaves[2], 0f, 0L);
            }
            Fixtures.assertClose("token views forward kv " + kvBatch, ys[0], ys[1], 1e-5);
            Tensor w = rnd(133, ys[0].shape());
            ys[0].mul(w).sum().backward();
            ys[1].mul(w.to(Device.CUDA)).sum().backward();
            for (int i = 0; i < 3; i++)
                Fixtures.assertClose("token views grad " + i + " kv " + kvBatch, leavesCpu[i].grad(), leavesGpu[i].grad(), 1e-5);
        }
    }

    @Test void onlyRequestedGradientsAreComputed() {
        Tensor[] in = inputs(B, 100);
        Tensor q = in[0].detach().requiresGrad(true);
        GatedPrefixAttention.apply(q, in[1], in[2], in[3], 0f, 0).sum().backward();
        assertNotNull(q.grad());
        assertNull(in[1].grad());
        assertNull(in[3].grad());
    }

    @Test void rejectsMismatchedShapes() {
        Tensor[] in = inputs(B, 110);
        assertThrows(IllegalArgumentException.class,
                () -> GatedPrefixAttention.apply(in[0], rnd(1, B, H, K, HD + 1), rnd(2, B, H, K, HD + 1), in[3], 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> GatedPrefixAttention.apply(in[0], in[1], in[2], rnd(3, H + 1), 0f, 0));
        assertThrows(IllegalArgumentException.class,
                () -> GatedPrefixAttention.apply(in[0], rnd(1, 3, H, K, HD), rnd(2, 3, H, K, HD), in[3], 0f, 0));
    }
}
