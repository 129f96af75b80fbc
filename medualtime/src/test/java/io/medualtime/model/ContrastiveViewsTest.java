package io.medualtime.model;

import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four pre-training views run through the LM together equal the four passes run one at a time
 * (values 1e-6, every trainable gradient 1e-5 relative; dropout 0, so only float rounding of the
 * shared products differs).
 */
class ContrastiveViewsTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    /** The views and every trainable gradient of sum_i <view_i, w_i> (fixed random w_i). */
    static Map<String, Tensor> run(boolean together) throws Exception {
        MedualTime m = fx.model();
        Tensor sig = fx.signals, aug = sig.add(Tensor.randn(new Rng(5), sig.shape()).mul(0.1f)), text = fx.textVectors(m);
        Tensor[] views = together
                ? m.contrastiveViews(sig, aug, text, fx.reports)
                : new Tensor[]{m.temporalPrimary(sig, text), m.temporalPrimary(aug, text),
                        m.textualPrimary(fx.reports, sig), m.textualPrimary(fx.reports, aug)};
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor loss = null;
        for (int i = 0; i < views.length; i++) {
            out.put("view " + i, views[i].detach());
            Tensor term = views[i].mul(Tensor.randn(new Rng(10 + i), views[i].shape())).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet())
            if (p.getValue().grad() != null) out.put("grad " + p.getKey(), p.getValue().grad());
        return out;
    }

    @Test void togetherEqualsOneAtATime() throws Exception {
        Map<String, Tensor> alone = run(false), together = run(true);
        org.junit.jupiter.api.Assertions.assertEquals(alone.keySet(), together.keySet());
        for (String k : alone.keySet())
            Fixtures.assertClose(k, alone.get(k), together.get(k), k.startsWith("view") ? 1e-6 : 1e-5);
    }
}
