package io.medualtime.nn.gpt2;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Greedy and sampled choices refuse logits that are not finite, and temperatures that are not finite numbers >= 0. */
class SamplingTest {

    @Test void nanOrPositiveInfinityLogitsAreRefusedNotTurnedIntoToken0() {
        for (Sampling s : new Sampling[]{Sampling.greedy(), Sampling.sample(0.8f, 0, 1), Sampling.sample(1f, 2, 1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.next(new float[]{Float.NaN, Float.NaN, Float.NaN}));
            assertTrue(e.getMessage().startsWith("the logit of token 0 is NaN: the model's output is not finite"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> s.next(new float[]{1, 2, Float.POSITIVE_INFINITY}));
            assertTrue(e.getMessage().startsWith("the logit of token 2 is Infinity"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> s.next(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
            assertEquals("no token can be chosen: all 2 logits are -Infinity", e.getMessage());
            assertEquals(1, s.next(new float[]{Float.NEGATIVE_INFINITY, 5, Float.NEGATIVE_INFINITY}),
                    "-Infinity marks a token never chosen");
        }
        assertEquals(1, Sampling.greedy().next(new float[]{1, 3, 3, 2}), "the first largest");
    }

    @Test void temperaturesMustBeFiniteAndNonNegative() {
        for (float t : new float[]{Float.NaN, Float.POSITIVE_INFINITY, -0.5f}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(t, 0, 1));
            assertEquals("temperature must be a finite number >= 0, got " + t, e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(1f, -1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Generator(new Gpt2(Gpt2Config.of(20, 8, 8, 1, 2), new io.medualtime.tensor.Rng(1)))
                        .generate(new int[]{1}, -1, Sampling.greedy(), true));
    }
}
