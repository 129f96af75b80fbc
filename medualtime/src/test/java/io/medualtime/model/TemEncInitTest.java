package io.medualtime.model;

import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.train.PretrainTrainer;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The official initialisations: TemEnc's (fastai Kaiming after ReLU, BatchNorm bias 1e-3) and pre-training's patch embedding. */
class TemEncInitTest {
    static float maxAbs(Tensor t) {
        float m = 0;
        for (float v : t.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test void officialInitIsKaimingAfterReluAndBatchNormBias1e3() {
        TemporalEncoder pytorch = new TemporalEncoder(12, 16, 8, new Rng(1));
        TemporalEncoder official = new TemporalEncoder(12, 16, 8, new Rng(1));
        official.initOfficial(new Rng(2));
        Map<String, Tensor> a = pytorch.stateDict(), b = official.stateDict();
        for (String name : b.keySet()) {
            Tensor t = b.get(name);
            int[] s = t.shape();
            if (name.matches("resblock\\d\\.convblock[12]\\.0\\.weight")) {
                double kaiming = Math.sqrt(6.0 / (s[1] * s[2])), pytorchBound = 1 / Math.sqrt(s[1] * s[2]);
                assertTrue(maxAbs(t) <= kaiming + 1e-6, name);
                assertTrue(maxAbs(t) > pytorchBound, name + ": drawn with the wider Kaiming bound, not PyTorch's default");
            } else if (name.endsWith(".bias") && !name.startsWith("fc")) {
                for (float v : t.toArray()) assertEquals(1e-3f, v, 0f, name);
            } else {
                assertArrayEquals(a.get(name).toArray(), t.toArray(), 0f,
                        name + " keeps PyTorch's default (convblock3, shortcut conv, BN weights, fc)");
            }
        }
        assertTrue(b.keySet().stream().anyMatch(k -> k.endsWith("shortcut.bias")), "the identity shortcut's BatchNorm is covered");
    }

    @Test void officialPatchEmbeddingIsNormal001WithZeroBias() {
        Gpt2 lm = new Gpt2(Gpt2Config.of(50257, 64, 32, 2, 2), new Rng(0));
        MedualTime m = new MedualTime(lm, MedualTimeConfig.defaults(5).withAdapterLayers(1).withTemEncWidth(4), new Rng(0));
        PretrainTrainer.initPatchEmbeddingOfficial(m, 7);
        float[] w = m.tsAdapterLayer.weight.toArray();
        double sq = 0;
        for (float v : w) sq += v * v;
        assertEquals(0.01, Math.sqrt(sq / w.length), 0.001);
        for (float v : m.tsAdapterLayer.bias.toArray()) assertEquals(0f, v);
    }
}
