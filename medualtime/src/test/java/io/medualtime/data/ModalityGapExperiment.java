package io.medualtime.data;

import java.util.Locale;

/**
 * Prints text-only / signal-only / both accuracies of the simple baselines for a synthetic config.
 * Usage: {@code java ... io.medualtime.data.ModalityGapExperiment [train test [noise ambiguity uninformative [seed]]]}
 */
public final class ModalityGapExperiment {
    public static void main(String[] a) {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT;
        if (a.length >= 2) cfg = cfg.withSizes(Integer.parseInt(a[0]), 0, Integer.parseInt(a[1]));
        else cfg = cfg.withSizes(cfg.trainSize(), 0, cfg.testSize());
        if (a.length >= 5)
            cfg = cfg.withNoiseLevel(Double.parseDouble(a[2])).withAmbiguityRate(Double.parseDouble(a[3]))
                    .withUninformativeReportRate(Double.parseDouble(a[4]));
        if (a.length >= 6) cfg = cfg.withSeed(Long.parseLong(a[5]));
        long t0 = System.nanoTime();
        InMemoryDataset ds = SyntheticEcg.generate(cfg);
        double gen = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        double[] acc = Baselines.modalityAccuracies(ds, Split.TRAIN, Split.TEST);
        System.out.printf(Locale.ROOT, "SYNTHETIC %s%n  generated %d records in %.2f s; baselines in %.2f s%n"
                + "  text-only %.3f   signal-only %.3f   both(early fusion) %.3f   both(late fusion) %.3f%n",
                cfg, ds.size(), gen, (System.nanoTime() - t0) / 1e9, acc[0], acc[1], acc[2], acc[3]);
    }
}
