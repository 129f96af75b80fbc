package io.medualtime.model;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.cuda.CudaRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tiny MedualTime fixture with the model (adapters, TemEnc, frozen LM) moved to Device.CUDA:
 * the train step (outputs, loss 1e-4, every trainable gradient 1e-3, BN statistics after) and eval
 * mode against PyTorch, as MedualTimeFixtureTest does on the CPU. Skipped without a usable GPU.
 */
class MedualTimeCudaTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    @BeforeEach void gpu() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
    }

    static MedualTime onCuda() throws Exception {
        MedualTime m = fx.model().to(Device.CUDA);
        for (Tensor t : m.stateDict().values()) assertEquals(Device.CUDA, t.device());
        for (Tensor t : m.lm.stateDict().values()) assertEquals(Device.CUDA, t.device());
        return m;
    }

    @Test void trainStepMatchesPyTorchOnCuda() throws Exception {
        MedualTime m = onCuda();
        Tensor signals = fx.signals.to(Device.CUDA);
        Tensor cText = fx.textVectors(m);
        assertEquals(Device.CUDA, cText.device());
        Fixtures.assertClose("c_text", fx.exp("c_text"), cText, 1e-5);
        MedualTime.Output out = m.forward(signals, fx.reports, cText);
        assertEquals(Device.CUDA, out.logits().device());
        Fixtures.assertClose("z_ts", fx.exp("z_ts"), out.zTs(), 1e-4);
        Fixtures.assertClose("z_text", fx.exp("z_text"), out.zText(), 1e-4);
        Fixtures.assertClose("logits", fx.exp("logits"), out.logits(), 1e-4);
        Tensor loss = F.crossEntropy(out.logits(), fx.labels);
        Fixtures.assertClose("loss", fx.exp("loss"), loss, 1e-4);
        loss.backward();
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet())
            Fixtures.assertClose("grad " + p.getKey(), fx.exp("grad/" + p.getKey()), p.getValue().grad(), 1e-3);
        for (Map.Entry<String, Tensor> b : m.stateDict().entrySet()) {
            if (m.namedParameters().containsKey(b.getKey())) continue;
            if (b.getKey().endsWith("num_batches_tracked")) assertEquals(6f, b.getValue().item(), 0f, b.getKey());
            else Fixtures.assertClose("bn_after " + b.getKey(), fx.exp("bn_after/" + b.getKey()), b.getValue(), 1e-5);
        }
    }

    /** Scoped training steps with poisoned device memory == the same steps left to the GC (MedualTimeScopeTest). */
    @Test void scopedStepsMatchUnscopedOnCuda() throws Exception {
        MedualTimeScopeTest.scopedStepsMatch(fx, Device.CUDA);
    }

    @Test void evalMatchesPyTorchOnCuda() throws Exception {
        MedualTime m = onCuda();
        m.eval();
        try (GradMode g = GradMode.noGrad()) {
            MedualTime.Output out = m.forward(fx.signals.to(Device.CUDA), fx.reports, fx.textVectors(m));
            Fixtures.assertClose("eval z", fx.exp("eval/z"), out.z(), 1e-4);
            Fixtures.assertClose("eval logits", fx.exp("eval/logits"), out.logits(), 1e-4);
        }
    }
}
