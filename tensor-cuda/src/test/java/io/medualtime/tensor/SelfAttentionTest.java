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
 * with padding, with and without dropout, head widths below, at and past a warp's 32 lanes, every
 * position querying or one query row per sample (GPT-2's last block).
 */
class SelfAttentionTest {

    static Tensor rnd(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** What Gpt2.Attention.attend computes without the fused kernels: [B, T or 1, C]. */
    static Tensor composed(Tensor qkv, int heads, Tensor mask, int[] rows, float scale, float p, long seed) {
        int b = qkv.size(0), t = qkv.size(1), c = qkv.size(2) / 3, d = c / heads;
        Tensor[] qkvHeads = new Tensor[3];
        for (int i = 0; i < 3; i++) qkvHeads[i] = qkv.narrow(2, i * c, c).reshape(b, t, heads, d).transpose(1, 2);
        Tensor q = qkvHeads[0];
        if (rows != null) {          // each sample's one query row: [B, heads, 1, d]
            int[] flat = new int[b];
            for (int i = 0; i < b; i++) flat[i] = i * t + rows[i];
            q = F.indexSelect(qkv.narrow(2, 0, c).reshape(b * t, c), 0, flat).reshape(b, 1, heads, d).transpose(1, 2);
        }
        Tensor probs = F.scaledMaskedSoftmax(q.matmul(qkvHeads[1].transpose(-1, -2)), scale, mask);
        if (p > 0) probs = F.dropout(probs, p, seed);
        return probs.matmul(qkvHeads[2]).transpose(1, 2).reshape(b, q.size(2), c);
    }

    /**
     * Causal, plus -1e4 on padded keys (Hugging Face's rule) when padded[b] > 0: [B or 1, 1, T, T]; with
     * rows, only query rows[b] of each sample: [B, 1, 1, T].
     */
    static Tensor mask(int b, int t, int[] padded, int[] rows) {
        int n = padded == null && rows == null ? 1 : b, queries = rows == null ? t : 1;
        float[] m = new float[n * queries * t];
        for (int r = 0; r < n; r++)
            for (int qi = 0; qi < queries; qi++) {
                int i = rows == null ? qi : rows[r];
                for (int j = 0; j < t; j++)
                    m[(r * queries + qi) * t + j] = (j > i ? -1e30f : 0f) + (padded != null && j >= t - padded[r] ? -1e4f : 0f);
            }
        return Tensor.of(m, n, 1, queries, t);
    }

    @Test void cudaMatchesTheComposedAttention() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        int[][] shapes = {{2, 7, 2, 40}, {3, 5, 3, 8}, {1, 33, 1, 64}};       // B, T, heads, head width
        for (int[] s : shapes) for (int variant = 0; variant < 5; variant++) {
            int b = s[0], t = s[1], heads = s[2], d = s[3], c = heads * d;
            float p = variant == 2 || variant == 4 ? 0.3f : 0f, scale = (float) (1 / Math.sqrt(d));
            int[] padded = variant == 0 ? null : java.util.stream.IntStream.range(0, b).map(i -> i % 3).toArray();
            int[] rows = variant >= 3
                    ? java.util.stream.IntStream.range(0, b).map(i -> t - 1 - i % 3 - (padded == null ? 0 : padded[i])).toArray()
                    : null;
            Tensor mask = mask(b, t, padded, rows);
            Tensor qkv = rnd(11 + variant, b, t, 3 * c), w = rnd(12 + variant, b, rows == null ? t : 1, c);
            Tensor xc = qkv.detach().requiresGrad(true), xg = qkv.to(Device.CUDA).detach().requiresGrad(true);
            Tensor maskG = mask.to(Device.CUDA);
            assertFalse(F.fusesSelfAttention(xc, mask, rows), "the CPU composes it");
            Tensor yc = composed(xc, heads, mask, rows, scale, p, 99), yg = F.selfAttention(xg, heads, maskG, rows, scale, p, 99);
            assertEquals(Device.CUDA, yg.device());
            String what = java.util.Arrays.toString(s) + (variant == 0 ? " shared causal mask" : " padding per sample")
                    + (p > 0 ? ", dropout" : "") + (rows != null ? ", query rows " + java.util.Arrays.toString(rows) : "");
            Fixtures.assertClose(what + " forward", yc, yg, 1e-5);
            yc.mul(w).sum().backward();
            yg.mul(w.to(Device.CUDA)).sum().backward();
            Fixtures.assertClose(what + " gradient of qkv", xc.grad(), xg.grad(), 1e-5);
        }
    }

    @Test void refusesWhatTheKernelsDoNotTake() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        Tensor qkv = rnd(1, 2, 4, 12).to(Device.CUDA);
        assertFalse(F.fusesSelfAttention(qkv, rnd(2, 2, 1, 4, 5).to(Device.CUDA), null), "a mask over other keys");
        assertFalse(F.fusesSelfAttention(qkv, mask(2, 4, null, null).to(Device.CUDA), new int[]{3, 3}),
                "a mask for every query, one row wanted");
        assertFalse(F.fusesSelfAttention(rnd(3, 1, 300, 6).to(Device.CUDA), mask(1, 300, null, null).to(Device.CUDA), null), "too long");
        assertThrows(IllegalArgumentException.class,
                () -> F.selfAttention(qkv, 3, mask(2, 4, null, null).to(Device.CUDA), null, 1f, 0f, 0));
        assertThrows(IllegalArgumentException.class,
                () -> F.selfAttention(qkv, 2, mask(2, 4, null, new int[]{3, 4}).to(Device.CUDA), new int[]{3, 4}, 1f, 0f, 0));
    }
}
