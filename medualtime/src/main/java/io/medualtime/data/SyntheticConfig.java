package io.medualtime.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Knobs of the {@link SyntheticEcg} generator, one per difficulty. Immutable; use the
 * {@code with...} methods.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>knob</th><th>default</th><th>meaning</th></tr>
 * <tr><td>trainSize / valSize / testSize</td><td>1400 / 300 / 300</td><td>records per split</td></tr>
 * <tr><td>seed</td><td>20240611</td><td>everything is a pure function of (config, split, index)</td></tr>
 * <tr><td>noiseLevel</td><td>1.0</td><td>multiplier of all noise sources (baseline wander, EMG,
 *     mains residual, electrode noise); 0 = clean signal</td></tr>
 * <tr><td>ambiguityRate</td><td>0.45</td><td>fraction of records whose signal findings are mild
 *     (abnormal classes) or borderline (NORM with a mild normal-variant finding): these overlap NORM
 *     and each other, so the signal alone cannot classify them</td></tr>
 * <tr><td>uninformativeReportRate</td><td>0.35</td><td>fraction of reports with no diagnostic
 *     statement ("Sinus rhythm.", "Unconfirmed report.", ...): the text alone cannot classify them</td></tr>
 * <tr><td>balance</td><td>BALANCED</td><td>class frequencies: equal, or roughly those of the
 *     single-superclass records of PTB-XL</td></tr>
 * <tr><td>samplingRate / durationSeconds</td><td>100 Hz / 10 s</td><td>1000 steps x 12 leads</td></tr>
 * </table>
 */
public record SyntheticConfig(int trainSize, int valSize, int testSize, long seed, double noiseLevel,
        double ambiguityRate, double uninformativeReportRate, Balance balance,
        double samplingRate, double durationSeconds) {

    /** Class frequencies. */
    public enum Balance {
        /** 20 % per class. */
        BALANCED(new double[]{1, 1, 1, 1, 1}),
        /**
         * Approximately the shares of PTB-XL records whose diagnostic statements map to exactly one
         * superclass (NORM dominant, HYP rare): NORM 55 %, MI 15 %, STTC 15 %, CD 11 %, HYP 4 %.
         * Approximate by design; the generator does not claim PTB-XL's exact counts.
         */
        PTBXL(new double[]{0.55, 0.15, 0.15, 0.11, 0.04});

        private final double[] weights;

        Balance(double[] w) { this.weights = w; }

        public double[] weights() { return weights.clone(); }
    }

    public static final SyntheticConfig DEFAULT = new SyntheticConfig(1400, 300, 300, 20240611L, 1.0, 0.45, 0.35, Balance.BALANCED, 100.0,
            10.0);

    public SyntheticConfig {
        if (trainSize < 0 || valSize < 0 || testSize < 0) throw new IllegalArgumentException("split sizes must be >= 0");
        if (!(noiseLevel >= 0) || !Double.isFinite(noiseLevel)) throw new IllegalArgumentException("noiseLevel must be >= 0");
        if (!(ambiguityRate >= 0 && ambiguityRate <= 1)) throw new IllegalArgumentException("ambiguityRate must be in [0, 1]");
        if (!(uninformativeReportRate >= 0 && uninformativeReportRate <= 1))
            throw new IllegalArgumentException("uninformativeReportRate must be in [0, 1]");
        if (balance == null) throw new IllegalArgumentException("balance is null");
        if (!(samplingRate >= 50 && samplingRate <= 2000))
            throw new IllegalArgumentException("samplingRate must be in [50, 2000] Hz, got " + samplingRate);
        if (!(durationSeconds >= 1 && durationSeconds <= 120)) throw new IllegalArgumentException("durationSeconds must be in [1, 120]");
    }

    public static SyntheticConfig defaults() { return DEFAULT; }

    public SyntheticConfig withSizes(int train, int val, int test) {
        return new SyntheticConfig(train, val, test, seed, noiseLevel, ambiguityRate, uninformativeReportRate, balance, samplingRate,
                durationSeconds);
    }

    public SyntheticConfig withSeed(long s) {
        return new SyntheticConfig(trainSize, valSize, testSize, s, noiseLevel, ambiguityRate, uninformativeReportRate, balance,
                samplingRate, durationSeconds);
    }

    public SyntheticConfig withNoiseLevel(double v) {
        return new SyntheticConfig(trainSize, valSize, testSize, seed, v, ambiguityRate, uninformativeReportRate, balance, samplingRate,
                durationSeconds);
    }

    public SyntheticConfig withAmbiguityRate(double v) {
        return new SyntheticConfig(trainSize, valSize, testSize, seed, noiseLevel, v, uninformativeReportRate, balance, samplingRate,
                durationSeconds);
    }

    public SyntheticConfig withUninformativeReportRate(double v) {
        return new SyntheticConfig(trainSize, valSize, testSize, seed, noiseLevel, ambiguityRate, v, balance, samplingRate,
                durationSeconds);
    }

    public SyntheticConfig withBalance(Balance b) {
        return new SyntheticConfig(trainSize, valSize, testSize, seed, noiseLevel, ambiguityRate, uninformativeReportRate, b, samplingRate,
                durationSeconds);
    }

    public SyntheticConfig withSampling(double hz, double seconds) {
        return new SyntheticConfig(trainSize, valSize, testSize, seed, noiseLevel, ambiguityRate, uninformativeReportRate, balance, hz,
                seconds);
    }

    public int size(Split s) {
        // @formatter:off
        switch (s) {
            case TRAIN: return trainSize;
            case VAL: return valSize;
            default: return testSize;
        }
        // @formatter:on
    }

    public int total() { return trainSize + valSize + testSize; }

    /** Samples per lead: round(samplingRate * durationSeconds). */
    public int steps() {
        return (int) Math.round(samplingRate * durationSeconds);
    }

    /** For dataset.json's {@code extra.generator_config}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_size", trainSize);
        m.put("val_size", valSize);
        m.put("test_size", testSize);
        m.put("seed", seed);
        m.put("noise_level", noiseLevel);
        m.put("ambiguity_rate", ambiguityRate);
        m.put("uninformative_report_rate", uninformativeReportRate);
        m.put("balance", balance.name());
        m.put("sampling_rate_hz", samplingRate);
        m.put("duration_s", durationSeconds);
        return m;
    }

    @Override public String toString() {
        return String.format(Locale.ROOT,
                "seed=%d, sizes=%d/%d/%d, noise=%.3g, ambiguity=%.3g, uninformative=%.3g, balance=%s, %g Hz x %g s",
                seed, trainSize, valSize, testSize, noiseLevel, ambiguityRate, uninformativeReportRate, balance, samplingRate,
                durationSeconds);
    }
}
