package io.medualtime.model;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Poison;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.cpu.ArrayPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Training steps inside {@link TensorScope}s (as the trainers run them), with released memory
 * poisoned, give bit-for-bit the losses, parameters, optimiser state and BN statistics of the same
 * steps left to the garbage collector: nothing the next step needs is released (gradients, AdamW
 * moments, running statistics), and no op reads recycled memory it did not write.
 */
class MedualTimeScopeTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    /** Losses of `steps` AdamW steps, then every state tensor's values (parameters and buffers). */
    static List<float[]> train(TinyFixture fx, Device device, boolean scoped, int steps) throws Exception {
        MedualTime m = fx.model().to(device);
        AdamW opt = new AdamW(m.trainableParameters(), 1e-2f);
        Tensor signals = fx.signals.to(device), text = fx.textVectors(m);
        List<float[]> out = new ArrayList<>();
        float[] losses = new float[steps];
        for (int s = 0; s < steps; s++) {
            try (TensorScope scope = scoped ? TensorScope.open() : null) {
                opt.zeroGrad();
                Tensor loss = F.crossEntropy(m.forward(signals, fx.reports, text).logits(), fx.labels);
                loss.backward();
                opt.step();
                losses[s] = loss.item();
            }
        }
        out.add(losses);
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) out.add(e.getValue().toArray());
        return out;
    }

    static void scopedStepsMatch(TinyFixture fx, Device device) throws Exception {
        List<float[]> plain = train(fx, device, false, 3);
        long reused = ArrayPool.shared().reused();
        Poison.on(device);
        List<float[]> scoped;
        try {
            scoped = train(fx, device, true, 3);
        } finally {
            Poison.off(device);
        }
        assertEquals(plain.size(), scoped.size());
        assertArrayEquals(plain.get(0), scoped.get(0), "losses");
        for (int i = 1; i < plain.size(); i++) assertArrayEquals(plain.get(i), scoped.get(i), "state tensor " + i);
        if (device == Device.CPU) assertTrue(ArrayPool.shared().reused() > reused, "no step reused a released array");
    }

    @Test void scopedStepsMatchUnscopedOnCpu() throws Exception { scopedStepsMatch(fx, Device.CPU); }

    @Test void tensorsOfAClosedStepFailLoudly() throws Exception {
        MedualTime m = fx.model();
        Tensor logits;
        try (TensorScope scope = TensorScope.open()) {
            logits = m.forward(fx.signals, fx.reports, fx.textVectors(m)).logits();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, logits::toArray);
        assertTrue(e.getMessage().contains("TensorScope"), e.getMessage());
    }
}
