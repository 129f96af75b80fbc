package io.medualtime.nn.gpt2;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tiny random GPT-2 of tools/reference/gpt2_tiny.py (HF layout, full GPT-2 vocabulary)
 * against PyTorch: hidden states and logits within 1e-4 relative, every parameter gradient within
 * 1e-3, llm.c's 10-step AdamW loss sequence within 1e-3, and greedy generation with the KV cache.
 */
class Gpt2FixtureTest {
    static Path dir;
    static SafetensorsFile expected;

    @BeforeAll static void open() throws Exception {
        dir = Fixtures.resource(Gpt2FixtureTest.class, "gpt2-tiny");
        expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
    }

    @AfterAll static void close() throws Exception { expected.close(); }

    static Tensor exp(String name) throws Exception { return Fixtures.tensor(expected, name); }

    @Test void logitsHiddenLossAndEveryGradientMatchPyTorch() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir);
        int[] ids = expected.readInt("ids"), targets = expected.readInt("targets");
        Tensor hidden = lm.hidden(ids, null, 2, 16, null);
        Fixtures.assertClose("hidden", exp("hidden"), hidden, 1e-4);
        Tensor logits = lm.logits(hidden);
        Fixtures.assertClose("logits_last", exp("logits_last"), logits.narrow(1, 15, 1).reshape(2, -1), 1e-4);
        Fixtures.assertClose("logits_slice", exp("logits_slice"), logits.narrow(2, 0, 512), 1e-4);
        Fixtures.assertClose("logits_sum", exp("logits_sum"), logits.sum(-1, false), 1e-4);
        Tensor loss = F.crossEntropy(logits.reshape(32, -1), targets);
        Fixtures.assertClose("loss", exp("loss"), loss, 1e-5);
        loss.backward();
        int checked = 0;
        for (Map.Entry<String, Tensor> p : lm.namedParameters().entrySet()) {
            Fixtures.assertClose("grad " + p.getKey(), exp("grad/" + p.getKey()), p.getValue().grad(), 1e-3);
            checked++;
        }
        assertEquals(28, checked);
    }

    @Test void unprefixedFileWithBuffersLoadsTheSameWeights() throws Exception {
        Path tmp = Files.createTempDirectory("gpt2-noprefix");
        Files.copy(dir.resolve("config.json"), tmp.resolve("config.json"));
        Files.copy(dir.resolve("model-noprefix.safetensors"), tmp.resolve("model.safetensors"));
        Gpt2 a = Gpt2Loader.load(dir), b = Gpt2Loader.load(tmp);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());
    }

    @Test void paddingMaskMatchesHuggingFace() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir);
        int[] ids = expected.readInt("pad_ids"), mask = expected.readInt("pad_mask");
        try (GradMode g = GradMode.noGrad()) {
            Tensor hidden = lm.hidden(ids, mask, 2, 16, null);
            Fixtures.assertClose("pad_hidden", exp("pad_hidden"), hidden, 1e-4);
        }
    }

    /** llm.c's check: the loss of 10 AdamW steps on one batch follows PyTorch's. */
    @Test void tenAdamWStepsFollowPyTorch() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir);
        int[] ids = expected.readInt("ids"), targets = expected.readInt("targets");
        float[] want = exp("adamw_losses").toArray();
        AdamW opt = new AdamW(lm.trainableParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        for (int step = 0; step < 10; step++) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(lm.logits(lm.hidden(ids, null, 2, 16, null)).reshape(32, -1), targets);
            assertEquals(want[step], loss.item(), 1e-3 * Math.abs(want[step]), "loss at step " + step);
            loss.backward();
            opt.step();
        }
    }

    @Test void greedyGenerationWithKvCacheMatchesPyTorchAndRecompute() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir);
        lm.eval();
        int[] prompt = expected.readInt("generate_prompt");
        int[] want = expected.readInt("generate_greedy");
        Generator gen = new Generator(lm);
        int[] cached = gen.generate(prompt, want.length, Sampling.greedy(), true);
        int[] recomputed = gen.generate(prompt, want.length, Sampling.greedy(), false);
        assertArrayEquals(want, cached);
        assertArrayEquals(recomputed, cached);
    }
}
