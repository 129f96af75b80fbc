package io.medualtime.nn.gpt2;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.cuda.CudaRuntime;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tiny GPT-2 fixture (see Gpt2FixtureTest) with the model moved to {@code Device.CUDA}: hidden
 * states and logits within 1e-4, the loss within 1e-4, every parameter gradient within 1e-3 of
 * PyTorch, the padding mask, and llm.c's 10 AdamW steps (the optimizer on the GPU). Skipped, with
 * CudaRuntime's reason, without a usable GPU.
 */
class Gpt2CudaTest {
    static Path dir;
    static SafetensorsFile expected;

    @BeforeAll static void open() throws Exception {
        dir = Fixtures.resource(Gpt2CudaTest.class, "gpt2-tiny");
        expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
    }

    @AfterAll static void close() throws Exception { expected.close(); }

    @BeforeEach void gpu() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
    }

    static Tensor exp(String name) throws Exception { return Fixtures.tensor(expected, name); }

    static Gpt2 onCuda() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir);
        lm.to(Device.CUDA);
        for (Tensor p : lm.stateDict().values()) assertEquals(Device.CUDA, p.device());
        return lm;
    }

    /** Read-only memory-mapped weights move to CUDA like heap ones (Module.to copies them via toHost). */
    @Test void mappedWeightsMoveToCuda() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir, 0L);
        assertTrue(lm.wte.weight.storage() instanceof io.medualtime.tensor.cpu.MappedStorage);
        lm.to(Device.CUDA);
        for (Tensor p : lm.stateDict().values()) assertEquals(Device.CUDA, p.device());
        Tensor logits = lm.logits(lm.hidden(expected.readInt("ids"), null, 2, 16, null));
        Fixtures.assertClose("logits_last", exp("logits_last"), logits.narrow(1, 15, 1).reshape(2, -1), 1e-4);
    }

    @Test void logitsLossAndEveryGradientMatchPyTorchOnCuda() throws Exception {
        Gpt2 lm = onCuda();
        int[] ids = expected.readInt("ids"), targets = expected.readInt("targets");
        Tensor hidden = lm.hidden(ids, null, 2, 16, null);
        assertEquals(Device.CUDA, hidden.device());
        Fixtures.assertClose("hidden", exp("hidden"), hidden, 1e-4);
        Tensor logits = lm.logits(hidden);
        Fixtures.assertClose("logits_last", exp("logits_last"), logits.narrow(1, 15, 1).reshape(2, -1), 1e-4);
        Fixtures.assertClose("logits_slice", exp("logits_slice"), logits.narrow(2, 0, 512), 1e-4);
        Fixtures.assertClose("logits_sum", exp("logits_sum"), logits.sum(-1, false), 1e-4);
        Tensor loss = F.crossEntropy(logits.reshape(32, -1), targets);
        Fixtures.assertClose("loss", exp("loss"), loss, 1e-4);
        loss.backward();
        int checked = 0;
        for (Map.Entry<String, Tensor> p : lm.namedParameters().entrySet()) {
            assertEquals(Device.CUDA, p.getValue().grad().device(), p.getKey());
            Fixtures.assertClose("grad " + p.getKey(), exp("grad/" + p.getKey()), p.getValue().grad(), 1e-3);
            checked++;
        }
        assertEquals(28, checked);
    }

    @Test void paddingMaskMatchesHuggingFaceOnCuda() throws Exception {
        Gpt2 lm = onCuda();
        int[] ids = expected.readInt("pad_ids"), mask = expected.readInt("pad_mask");
        try (GradMode g = GradMode.noGrad()) {
            Fixtures.assertClose("pad_hidden", exp("pad_hidden"), lm.hidden(ids, mask, 2, 16, null), 1e-4);
        }
    }

    @Test void tenAdamWStepsFollowPyTorchOnCuda() throws Exception {
        Gpt2 lm = onCuda();
        int[] ids = expected.readInt("ids"), targets = expected.readInt("targets");
        float[] want = exp("adamw_losses").toArray();
        AdamW opt = new AdamW(lm.trainableParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        int steps = CudaRuntime.get().isEmulated() ? 3 : 10;   // the emulator interprets every GEMM: a few steps
        for (int step = 0; step < steps; step++) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(lm.logits(lm.hidden(ids, null, 2, 16, null)).reshape(32, -1), targets);
            assertEquals(want[step], loss.item(), 1e-3 * Math.abs(want[step]), "loss at step " + step);
            loss.backward();
            opt.step();
        }
    }
}
