package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.cuda.CudaRuntime;

import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The KV cache writes each position into a growing buffer (16, then doubling): decoding past
 * several growths gives the hidden states of a full recompute (1e-5) and the same greedy tokens.
 */
class KvCacheTest {
    static Gpt2 tiny() {
        Gpt2 lm = new Gpt2(Gpt2Config.of(61, 96, 32, 2, 4), new Rng(9));
        lm.eval();
        return lm;
    }

    @Test void incrementalHiddenStatesMatchAFullPass() {
        Gpt2 lm = tiny();
        int[] ids = new int[70];
        Rng r = new Rng(3);
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(61);
        try (GradMode g = GradMode.noGrad()) {
            Tensor full = lm.hidden(ids, null, 1, ids.length, null);         // [1, 70, 32]
            KvCache cache = new KvCache(2);
            int pos = 0;
            for (int step : new int[]{5, 1, 1, 12, 1, 30, 1, 19}) {          // crosses 16, 32 and 64
                int[] chunk = java.util.Arrays.copyOfRange(ids, pos, pos + step);
                Tensor h = lm.hidden(chunk, null, 1, step, cache);
                Fixtures.assertClose("positions " + pos + ".." + (pos + step), full.narrow(1, pos, step), h, 1e-5);
                pos += step;
                assertEquals(pos, cache.length());
            }
        }
    }

    @Test void greedyDecodingWithTheCacheEqualsRecomputing() {
        Generator gen = new Generator(tiny());
        int[] prompt = {1, 2, 3, 4, 5};
        assertArrayEquals(gen.generate(prompt, 45, Sampling.greedy(), false), gen.generate(prompt, 45, Sampling.greedy(), true));
    }

    /** The same decoding on Device.CUDA (masks per past length, the growing buffer, the fused attention softmax). */
    @Test void cudaDecodingMatchesTheCpu() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        Gpt2 cpu = tiny(), gpu = tiny();
        gpu.to(Device.CUDA);
        int[] ids = new int[40];
        Rng r = new Rng(5);
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(61);
        try (GradMode g = GradMode.noGrad()) {
            KvCache cc = new KvCache(2), gc = new KvCache(2);
            int pos = 0;
            for (int step : new int[]{7, 1, 1, 10, 1, 20}) {                  // crosses 16 and 32
                int[] chunk = java.util.Arrays.copyOfRange(ids, pos, pos + step);
                Tensor hc = cpu.hidden(chunk, null, 1, step, cc), hg = gpu.hidden(chunk, null, 1, step, gc);
                assertEquals(Device.CUDA, hg.device());
                Fixtures.assertClose("CUDA positions " + pos + ".." + (pos + step), hc, hg, 1e-5);
                pos += step;
            }
        }
        int[] prompt = {1, 2, 3, 4, 5};
        assertArrayEquals(new Generator(cpu).generate(prompt, 12, Sampling.greedy(), true),
                new Generator(gpu).generate(prompt, 12, Sampling.greedy(), true));
    }

    @Test void refusesToRecordGradients() {
        Gpt2 lm = tiny();
        lm.train(true);
        KvCache cache = new KvCache(2);
        assertThrows(IllegalStateException.class, () -> lm.hidden(new int[]{1, 2}, null, 1, 2, cache).sum().backward());
    }
}
