package io.medualtime.tensor;

import io.medualtime.tensor.cuda.CudaRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * F.selfAttention (CUDA: kernels/attention.ptx) against the composition it replaces on the CPU: per-head
 * views of qkv, q k^T, the scaled masked softmax, dropout with the same seed, the product with v, back to
 * token-major. Forward and the gradient of qkv, for a causal mask shared by the batch and one per sample
 * with padding, with and without dropout, head widths below, at and past a warp's 32 lanes.
 */
class SelfAttentionTest {

    static Tensor rnd(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** What Gpt2.Attention.attend computes without the fused kernels. */
    static Tensor composed(Tensor qkv, int heads, Tensor mask, float scale, float p, long seed) {
        int b = qkv.size(0), t = qkv.size(1), c = qkv.size(2) / 3, d = c / heads;
        Tensor[] qkvHeads = new Tensor[3];
        for (int i = 0; i < 3; i++) qkvHeads[i] = qkv.narrow(2, i * c, c).reshape(b, t, heads, d).transpose(1, 2);
        Tensor probs = F.scaledMaskedSoftmax(qkvHeads[0].matmul(qkvHeads[1].transpose(-1, -2)), scale, mask);
        if (p > 0) probs = F.dropout(probs, p, seed);
        return probs.matmul(qkvHeads[2]).transpose(1, 2).reshape(b, t, c);
    }

    /** Causal, plus -1e4 on padded keys (Hugging Face's rule) when padded[b] > 0: [B or 1, 1, T, T]. */
    static Tensor mask(int b, int t, int[] padded) {
        int rows = padded == null ? 1 : b;
        float[] m = new float[rows * t * t];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    m[(r * t + i) * t + j] = (j > i ? -1e30f : 0f) + (padded != null && j >= t - padded[r] ? -1e4f : 0f);
        return Tensor.of(m, rows, 1, t, t);
    }

    @Test void cudaMatchesTheComposedAttention() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        int[][] shapes = {{2, 7, 2, 40}, {3, 5, 3, 8}, {1, 33, 1, 64}};       // B, T, heads, head width
        for (int[] s : shapes) for (int variant = 0; variant < 3; variant++) {
            int b = s[0], t = s[1], heads = s[2], d = s[3], c = heads * d;
            float p = variant == 2 ? 0.3f : 0f, scale = (float) (1 / Math.sqrt(d));
            Tensor mask = mask(b, t, variant == 0 ? null : java.util.stream.IntStream.range(0, b).map(i -> i % 3).toArray());
            Tensor qkv = rnd(11 + variant, b, t, 3 * c), w = rnd(12 + variant, b, t, c);
            Tensor xc = qkv.detach().requiresGrad(true), xg = qkv.to(Device.CUDA).detach().requiresGrad(true);
            Tensor maskG = mask.to(Device.CUDA);
            assertFalse(F.fusesSelfAttention(xc, mask), "the CPU composes it");
            Tensor yc = composed(xc, heads, mask, scale, p, 99), yg = F.selfAttention(xg, heads, maskG, scale, p, 99);
            assertEquals(Device.CUDA, yg.device());
            String what = java.util.Arrays.toString(s) + (variant == 0 ? " shared causal mask" : " padding per sample") + (p > 0 ? ", dropout" : "");
            Fixtures.assertClose(what + " forward", yc, yg, 1e-5);
            yc.mul(w).sum().backward();
            yg.mul(w.to(Device.CUDA)).sum().backward();
            Fixtures.assertClose(what + " gradient of qkv", xc.grad(), xg.grad(), 1e-5);
        }
    }

    @Test void refusesWhatTheKernelsDoNotTake() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        Tensor qkv = rnd(1, 2, 4, 12).to(Device.CUDA);
        assertFalse(F.fusesSelfAttention(qkv, rnd(2, 2, 1, 4, 5).to(Device.CUDA)), "a mask over other keys");
        assertFalse(F.fusesSelfAttention(rnd(3, 1, 300, 6).to(Device.CUDA), mask(1, 300, null).to(Device.CUDA)), "too long");
        assertThrows(IllegalArgumentException.class, () -> F.selfAttention(qkv, 3, mask(2, 4, null).to(Device.CUDA), 1f, 0f, 0));
    }
}
