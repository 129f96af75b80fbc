package io.medualtime.model;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.ops.Norms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The zero-gate start (how a new model begins): the output equals the plain GPT-2 path bit for
 * bit, the fixture's non-zero gradients match, the adaptation tokens, TemEnc and
 * adapter_ts_proj_norm get exactly zero gradients, and once one optimiser step has moved the
 * gates, the tokens get non-zero gradients.
 */
class MedualTimeZeroGateTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    static MedualTime zeroGateModel() throws Exception {
        MedualTime m = fx.model();
        try (GradMode g = GradMode.noGrad()) {
            for (int l = m.firstAdapterLayer(); l < m.lm.config.nLayer(); l++)
                Norms.updateInPlace(m.gate(l), Tensor.zeros(m.gate(l).shape()));
        }
        return m;
    }

    @Test void zeroGatesReproduceThePlainLmAndMatchPyTorch() throws Exception {
        MedualTime m = zeroGateModel();
        Tensor cText = fx.textVectors(m);
        MedualTime.Output out = m.forward(fx.signals, fx.reports, cText);
        Tensor[] plain;
        try (GradMode g = GradMode.noGrad()) {
            plain = zeroGateModel().withoutAdapters(fx.signals, fx.reports);
        }
        assertArrayEquals(plain[0].toArray(), out.zTs().toArray(), "z_ts with zero gates vs plain LM");
        assertArrayEquals(plain[1].toArray(), out.zText().toArray(), "z_text with zero gates vs plain LM");
        Fixtures.assertClose("plain z_ts", fx.exp("zero_gate/plain_z_ts"), plain[0], 1e-4);
        Fixtures.assertClose("plain z_text", fx.exp("zero_gate/plain_z_text"), plain[1], 1e-4);
        Fixtures.assertClose("z", fx.exp("zero_gate/z"), out.z(), 1e-4);
        Fixtures.assertClose("logits", fx.exp("zero_gate/logits"), out.logits(), 1e-4);
        Tensor loss = F.crossEntropy(out.logits(), fx.labels);
        Fixtures.assertClose("loss", fx.exp("zero_gate/loss"), loss, 1e-4);
        loss.backward();
        int nonZero = 0;
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            String name = p.getKey();
            boolean mustBeZero = name.startsWith("adapter_query_") || name.startsWith("adapter_temenc.")
                    || name.startsWith("adapter_ts_proj_norm.");
            if (mustBeZero) {
                if (p.getValue().grad() != null)
                    for (float v : p.getValue().grad().toArray()) assertEquals(0f, v, 0f, "gradient of " + name + " must be exactly 0");
            } else {
                Fixtures.assertClose("grad " + name, fx.exp("zero_gate/grad/" + name), p.getValue().grad(), 1e-3);
                nonZero++;
            }
        }
        assertEquals(10, nonZero);
    }

    @Test void tokensGetGradientsOnceTheGatesMoved() throws Exception {
        MedualTime m = zeroGateModel();
        Tensor cText = fx.textVectors(m);
        AdamW opt = new AdamW(m.trainableParameters(), 1e-3f);
        F.crossEntropy(m.forward(fx.signals, fx.reports, cText).logits(), fx.labels).backward();
        assertEquals(0f, absSum(m.adapterQueryTs.weight.grad()), 0f);
        opt.step();
        opt.zeroGrad();
        for (int l = m.firstAdapterLayer(); l < m.lm.config.nLayer(); l++)
            assertTrue(absSum(m.gate(l)) > 0, "gate of layer " + l + " did not move");
        F.crossEntropy(m.forward(fx.signals, fx.reports, cText).logits(), fx.labels).backward();
        for (Tensor t : List.of(m.adapterQueryTs.weight, m.adapterQueryText.weight, m.adapterTsProjNorm.weight,
                m.adapterTemEnc.fc.weight))
            assertTrue(absSum(t.grad()) > 0, "still no gradient after the gates moved");
    }

    static float absSum(Tensor t) {
        float s = 0;
        if (t != null) for (float v : t.toArray()) s += Math.abs(v);
        return s;
    }
}
