package io.medualtime.tensor;

import io.medualtime.tensor.cuda.CudaRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * F.scaledMaskedSoftmax: on the CPU it is scores * scale + mask, softmax (the composed ops); on CUDA
 * one kernel each way (softmax.ptx). Both directions must agree for every mask layout attention uses:
 * one mask for the batch, one per sample (padding), one query row per sample (the last block).
 */
class AttentionSoftmaxTest {
    static final int B = 2, H = 3, Q = 5, K = 7;

    static Tensor rnd(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    @Test void cpuIsTheComposedComputation() {
        Tensor s = rnd(1, B, H, Q, K), m = rnd(2, 1, 1, Q, K);
        Tensor want = s.mul(0.125f).add(m).softmax(-1);
        Fixtures.assertClose("scaled masked softmax", want, F.scaledMaskedSoftmax(s, 0.125f, m), 0);
    }

    @Test void cudaMatchesCpuForEveryMaskLayout() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        int[][] masks = {{1, 1, Q, K}, {B, 1, Q, K}, {B, 1, 1, K}};
        for (int[] ms : masks) {
            int q = ms[2] == 1 ? 1 : Q;
            Tensor scores = rnd(3, B, H, q, K), mask = rnd(4, ms).mul(3f), w = rnd(5, B, H, q, K);
            Tensor sc = scores.detach().requiresGrad(true), sg = scores.to(Device.CUDA).detach().requiresGrad(true);
            Tensor yc = F.scaledMaskedSoftmax(sc, 0.3f, mask), yg = F.scaledMaskedSoftmax(sg, 0.3f, mask.to(Device.CUDA));
            assertEquals(Device.CUDA, yg.device());
            String what = "mask " + java.util.Arrays.toString(ms);
            Fixtures.assertClose(what + " forward", yc, yg, 1e-5);
            yc.mul(w).sum().backward();
            yg.mul(w.to(Device.CUDA)).sum().backward();
            Fixtures.assertClose(what + " gradient", sc.grad(), sg.grad(), 1e-5);
        }
    }
}
