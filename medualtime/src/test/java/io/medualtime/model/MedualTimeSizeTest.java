package io.medualtime.model;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The trainable set with GPT-2 small shapes and the defaults: 903,300 + head, by the official rule. */
class MedualTimeSizeTest {
    @Test void gpt2SmallDefaultsTrain903300ParametersPlusTheHead() {
        Gpt2 lm = new Gpt2(Gpt2Config.gpt2(), new Rng(0));
        MedualTime m = new MedualTime(lm, MedualTimeConfig.defaults(5), new Rng(1));
        assertEquals(903_300L + 768 * 5 + 5, m.trainableParameterCount());
        assertEquals(11, lm.config.nLayer() - m.firstAdapterLayer());
        assertNull(m.gate(0));
        assertArrayEquals(new int[]{1, 12, 1, 1}, m.gate(11).shape());
        assertArrayEquals(new int[]{55, 768}, m.adapterQueryTs.weight.shape());
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            String n = p.getKey();
            assertTrue(n.contains("adapter") || n.contains("gate") || n.startsWith("head."), "not trainable by the official rule: " + n);
            assertTrue(p.getValue().requiresGrad(), n);
        }
        assertEquals(0, lm.parameterCount(true), "the LM must be frozen");
        assertEquals(Gpt2Config.gpt2().parameterCount(), lm.parameterCount(false));
        long optimised = m.trainableParameters().stream().mapToLong(Tensor::numel).sum();
        assertEquals(m.trainableParameterCount(), optimised);
    }

    @Test void adapterLayersMustFitTheLm() {
        Gpt2 lm = new Gpt2(Gpt2Config.of(100, 64, 16, 2, 2), new Rng(0));
        assertThrows(IllegalArgumentException.class, () -> new MedualTime(lm, MedualTimeConfig.defaults(5), new Rng(0)));
        MedualTime m = new MedualTime(lm, MedualTimeConfig.defaults(5).withAdapterLayers(2).withSignal(12, 250), new Rng(0));
        assertEquals(0, m.firstAdapterLayer());
    }
}
