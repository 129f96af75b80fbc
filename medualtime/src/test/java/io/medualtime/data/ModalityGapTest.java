package io.medualtime.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The synthetic task must need both modalities: simple text-only and signal-only classifiers must
 * each be clearly worse than the same classifiers given both. Fails if the generator makes either
 * modality (nearly) sufficient or useless.
 */
class ModalityGapTest {
    @Test void neitherModalityAloneIsEnough() {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT.withSizes(600, 0, 400).withSeed(7);
        InMemoryDataset ds = SyntheticEcg.generate(cfg);
        int iters = Baselines.ITERS;
        Baselines.ITERS = 120;
        double[] acc;
        try {
            acc = Baselines.modalityAccuracies(ds, Split.TRAIN, Split.TEST);
        } finally {
            Baselines.ITERS = iters;
        }
        double text = acc[0], signal = acc[1], both = Math.max(acc[2], acc[3]);
        String msg = String.format("text-only %.3f, signal-only %.3f, both early %.3f / late %.3f", acc[0], acc[1], acc[2], acc[3]);
        System.out.println("modality gap (SYNTHETIC, n_train=600, n_test=400): " + msg);
        assertTrue(text > 0.45 && signal > 0.45, "each modality must carry information: " + msg);
        assertTrue(text < 0.78 && signal < 0.78, "neither modality may be (nearly) sufficient: " + msg);
        assertTrue(both >= 0.75, "both together must do well: " + msg);
        assertTrue(both - text >= 0.08 && both - signal >= 0.08, "both must beat each single modality by a margin: " + msg);
    }
}
