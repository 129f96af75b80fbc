package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

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

    @Test void refusesToRecordGradients() {
        Gpt2 lm = tiny();
        lm.train(true);
        KvCache cache = new KvCache(2);
        assertThrows(IllegalStateException.class, () -> lm.hidden(new int[]{1, 2}, null, 1, 2, cache).sum().backward());
    }
}
