package io.medualtime.tensor;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Ops whose backward hands a gradient to a backend primitive that reads it from offset 0
 * (index_select / embedding: scatterAddRows; layer norm: layerNormBackward) must first make it
 * start there: a gradient that arrives as a view with an offset (the second part of a cat, as
 * when two batches share the GPT-2 blocks) once landed on the wrong rows. Each op's input
 * gradient is compared with the one it gets when its output is the first part of the cat.
 */
class OffsetGradientTest {
    @Test void indexSelectBackwardWithAnOffsetGradient() {
        check(x -> F.indexSelect(x, 0, new int[]{3, 1, 3}));
    }

    @Test void layerNormBackwardWithAnOffsetGradient() {
        Tensor w = Tensor.randn(new Rng(5), 3).add(1f), b = Tensor.randn(new Rng(6), 3);
        check(x -> F.layerNorm(x, w, b, 1e-5f));
    }

    private static void check(Function<Tensor, Tensor> op) {
        Tensor pad = Tensor.randn(new Rng(2), 2, 3);
        Tensor x1 = Tensor.randn(new Rng(1), 4, 3).requiresGrad(true), x2 = x1.detach().requiresGrad(true);
        Tensor y1 = op.apply(x1), y2 = op.apply(x2);
        Tensor w = Tensor.randn(new Rng(3), y1.size(0), 3);
        F.cat(0, y1, pad).mul(F.cat(0, w, pad)).sum().backward();     // y's gradient starts at offset 0
        F.cat(0, pad, y2).mul(F.cat(0, pad, w)).sum().backward();     // ... and here at offset 6
        assertArrayEquals(x1.grad().toArray(), x2.grad().toArray(), 1e-6f);
    }
}
