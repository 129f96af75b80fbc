package io.medualtime.model;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.MappedStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** MedualTime around a frozen GPT-2 whose matrices stay memory-mapped: a train step is bitwise the heap one. */
class MedualTimeMappedTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    @Test void trainStepWithMappedLmIsBitwiseTheHeapOne() throws Exception {
        MedualTime heap = fx.model(), mapped = fx.model(true);
        assertInstanceOf(MappedStorage.class, mapped.lm.wpe.weight.storage());
        Tensor[] logits = new Tensor[2];
        MedualTime[] models = {heap, mapped};
        for (int i = 0; i < 2; i++) {
            MedualTime.Output out = models[i].forward(fx.signals, fx.reports, fx.textVectors(models[i]));
            logits[i] = out.logits();
            F.crossEntropy(out.logits(), fx.labels).backward();
        }
        assertArrayEquals(logits[0].toArray(), logits[1].toArray());
        int checked = 0;
        for (Map.Entry<String, Tensor> p : heap.namedParameters().entrySet()) {
            if (!p.getValue().requiresGrad()) continue;
            assertArrayEquals(p.getValue().grad().toArray(), mapped.namedParameters().get(p.getKey()).grad().toArray(), p.getKey());
            checked++;
        }
        assertTrue(checked > 10, "trainable parameters compared: " + checked);
    }
}
