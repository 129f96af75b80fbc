package io.medualtime.model;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MedualTime against the PyTorch reference (tools/reference/medualtime_ref.py): intermediates to
 * localise errors, the train-mode step (outputs and loss within 1e-4 relative to magnitude, every
 * trainable gradient within 1e-3, BatchNorm running statistics after the step), eval mode, and
 * patching when T is not a multiple of the stride.
 */
class MedualTimeFixtureTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    @Test void intermediatesMatch() throws Exception {
        MedualTime m = fx.model();
        try (GradMode g = GradMode.noGrad()) {
            Tensor revin = SignalPatching.revin(fx.signals, MedualTimeConfig.EPS);
            Fixtures.assertClose("revin", fx.exp("revin"), revin, 1e-5);
            Fixtures.assertClose("patches", fx.exp("patches"), SignalPatching.patchesFromEnd(revin, 25, 25), 1e-5);
            Fixtures.assertClose("ts_embed", fx.exp("ts_embed"), m.patchEmbedding(fx.signals), 1e-5);
            Fixtures.assertClose("c_text", fx.exp("c_text"), fx.textVectors(m), 1e-5);
            Fixtures.assertClose("temenc_out", fx.exp("temenc_out"), m.adapterTemEnc.forward(fx.signals), 1e-4);
        }
        MedualTime fresh = fx.model(); // the TemEnc above updated the BN statistics
        try (GradMode g = GradMode.noGrad()) {
            Fixtures.assertClose("c_ts", fx.exp("c_ts"), fresh.ecgVector(fx.signals), 1e-4);
        }
    }

    @Test void trainStepOutputsGradientsAndBatchNormStatistics() throws Exception {
        MedualTime m = fx.model();
        MedualTime.Output out = m.forward(fx.signals, fx.reports, fx.textVectors(m));
        Fixtures.assertClose("z_ts", fx.exp("z_ts"), out.zTs(), 1e-4);
        Fixtures.assertClose("z_text", fx.exp("z_text"), out.zText(), 1e-4);
        Fixtures.assertClose("z", fx.exp("z"), out.z(), 1e-4);
        Fixtures.assertClose("logits", fx.exp("logits"), out.logits(), 1e-4);
        Tensor loss = F.crossEntropy(out.logits(), fx.labels);
        Fixtures.assertClose("loss", fx.exp("loss"), loss, 1e-4);
        loss.backward();
        int checked = 0;
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            assertNotNull(p.getValue().grad(), "no gradient for " + p.getKey());
            Fixtures.assertClose("grad " + p.getKey(), fx.exp("grad/" + p.getKey()), p.getValue().grad(), 1e-3);
            checked++;
        }
        assertEquals(51, checked);
        for (Map.Entry<String, Tensor> p : m.lm.namedParameters().entrySet())
            assertNull(p.getValue().grad(), "the frozen LM got a weight gradient for " + p.getKey());
        for (Map.Entry<String, Tensor> b : m.stateDict().entrySet()) {
            if (m.namedParameters().containsKey(b.getKey())) continue;
            if (b.getKey().endsWith("num_batches_tracked")) {   // I64 in the file: exact
                assertEquals(fx.expected.readInt("bn_after/" + b.getKey())[0], b.getValue().item(), 0f, b.getKey());
                continue;
            }
            Fixtures.assertClose("bn_after " + b.getKey(), fx.exp("bn_after/" + b.getKey()), b.getValue(), 1e-5);
        }
    }

    @Test void evalModeUsesTheStoredStatistics() throws Exception {
        MedualTime m = fx.model();
        m.eval();
        Map<String, float[]> before = snapshot(m);
        try (GradMode g = GradMode.noGrad()) {
            MedualTime.Output out = m.forward(fx.signals, fx.reports, fx.textVectors(m));
            Fixtures.assertClose("eval z_ts", fx.exp("eval/z_ts"), out.zTs(), 1e-4);
            Fixtures.assertClose("eval z_text", fx.exp("eval/z_text"), out.zText(), 1e-4);
            Fixtures.assertClose("eval z", fx.exp("eval/z"), out.z(), 1e-4);
            Fixtures.assertClose("eval logits", fx.exp("eval/logits"), out.logits(), 1e-4);
            Fixtures.assertClose("eval loss", fx.exp("eval/loss"), F.crossEntropy(out.logits(), fx.labels), 1e-4);
        }
        Map<String, float[]> after = snapshot(m);
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), "eval changed " + k);
    }

    @Test void patchesComeFromTheEndWhenTIsNotAMultipleOfTheStride() throws Exception {
        Tensor signal = fx.exp("patch_case/signal");
        Tensor revin = SignalPatching.revin(signal, MedualTimeConfig.EPS);
        Fixtures.assertClose("patch_case revin", fx.exp("patch_case/revin"), revin, 1e-5);
        Tensor patches = SignalPatching.patchesFromEnd(revin, 25, 25);
        assertArrayEquals(new int[]{2, 4, 100}, patches.shape());
        Fixtures.assertClose("patch_case patches", fx.exp("patch_case/patches"), patches, 1e-5);
        assertEquals(4, TinyFixture.CONFIG.patchCount(110));
        assertThrows(IllegalArgumentException.class, () -> SignalPatching.patchesFromEnd(Tensor.zeros(1, 4, 24), 25, 25));
    }

    static Map<String, float[]> snapshot(MedualTime m) {
        Map<String, float[]> s = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> s.put(k, v.toArray()));
        return s;
    }
}
