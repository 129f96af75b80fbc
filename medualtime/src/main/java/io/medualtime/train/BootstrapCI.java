package io.medualtime.train;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.List;
import java.util.Locale;

/**
 * Percentile-bootstrap confidence intervals of accuracy and the macro precision / recall / F1 of a test set.
 *
 * <p>Each of {@code resamples} replicates draws {@code n} test samples with replacement (a
 * {@link Well19937c} seeded with {@code seed}, so the result is a pure function of the inputs), recomputes the
 * metrics with {@link ClassificationReport}'s conventions (macro over the classes present in that replicate's
 * truth or predictions, zero_division=0), and the interval is the {@code (1-level)/2} and {@code (1+level)/2}
 * quantiles of the replicates, estimated like numpy's default ({@link Percentile.EstimationType#R_7}, linear
 * interpolation). The point estimate stored with each interval is the full-sample value, not the replicates'
 * mean.
 *
 * <p>These intervals show sampling noise of the test set only (not seed-to-seed training noise), and two
 * overlapping intervals are not a test of a difference between two models.
 *
 * @param level          the coverage, e.g. 0.95
 * @param resamples      the number of bootstrap replicates
 * @param seed           the generator seed
 * @param accuracy       accuracy, with its interval
 * @param macroPrecision macro precision, with its interval
 * @param macroRecall    macro recall, with its interval
 * @param macroF1        macro F1, with its interval
 */
public record BootstrapCI(double level, int resamples, long seed, Interval accuracy, Interval macroPrecision,
        Interval macroRecall, Interval macroF1) {

    public static final int DEFAULT_RESAMPLES = 1000;
    public static final double DEFAULT_LEVEL = 0.95;

    /** A point estimate and its interval. */
    public record Interval(double estimate, double lower, double upper) {
        public boolean contains(double v) { return lower <= v && v <= upper; }
        public double width() { return upper - lower; }
        /** {@code 0.8123 [0.7950, 0.8290]}. */
        public String format() {
            return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", estimate, lower, upper);
        }
        @Override public String toString() { return format(); }
    }

    /** 95% intervals from 1000 replicates. */
    public static BootstrapCI compute(int[] truth, int[] predicted, int numClasses, long seed) {
        return compute(truth, predicted, numClasses, DEFAULT_RESAMPLES, DEFAULT_LEVEL, seed);
    }

    /**
     * Bootstrap intervals (see the class comment).
     *
     * @throws IllegalArgumentException on empty or mismatched inputs, a label out of range, resamples &lt; 1 or a
     *                                  level outside (0, 1)
     */
    public static BootstrapCI compute(int[] truth, int[] predicted, int numClasses, int resamples, double level, long seed) {
        int[][] full = ClassificationReport.confusionMatrix(truth, predicted, numClasses); // validates
        int n = truth.length;
        if (n == 0) throw new IllegalArgumentException("bootstrap of an empty test set");
        if (resamples < 1) throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);

        double[] acc = new double[resamples], mp = new double[resamples], mr = new double[resamples], mf = new double[resamples];
        RandomGenerator rng = new Well19937c(seed);
        int[][] m = new int[numClasses][numClasses];
        double[] out = new double[4];
        for (int r = 0; r < resamples; r++) {
            for (int[] row : m) java.util.Arrays.fill(row, 0);
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n);
                m[truth[j]][predicted[j]]++;
            }
            summarise(m, out);
            acc[r] = out[0];
            mp[r] = out[1];
            mr[r] = out[2];
            mf[r] = out[3];
        }
        summarise(full, out);
        Percentile q = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double lo = 100 * (1 - level) / 2, hi = 100 * (1 + level) / 2;
        return new BootstrapCI(level, resamples, seed,
                interval(q, out[0], acc, lo, hi), interval(q, out[1], mp, lo, hi),
                interval(q, out[2], mr, lo, hi), interval(q, out[3], mf, lo, hi));
    }

    /** 95% intervals from 1000 replicates, the number of classes taken from the class list. */
    public static BootstrapCI compute(int[] truth, int[] predicted, List<String> classNames, long seed) {
        return compute(truth, predicted, classNames.size(), seed);
    }

    static Interval interval(Percentile q, double estimate, double[] values, double lo, double hi) {
        q.setData(values);
        return new Interval(estimate, q.evaluate(lo), q.evaluate(hi));
    }

    /** accuracy, macro P, macro R, macro F1 of a confusion matrix, with ClassificationReport's conventions. */
    static void summarise(int[][] m, double[] out) {
        int k = m.length;
        long n = 0, correct = 0;
        double sp = 0, sr = 0, sf = 0;
        int used = 0;
        for (int c = 0; c < k; c++) {
            long support = 0, predicted = 0;
            for (int o = 0; o < k; o++) {
                support += m[c][o];
                predicted += m[o][c];
            }
            long tp = m[c][c];
            n += support;
            correct += tp;
            if (support == 0 && predicted == 0) continue;
            used++;
            sp += ClassificationReport.safeDiv(tp, predicted);
            sr += ClassificationReport.safeDiv(tp, support);
            sf += ClassificationReport.safeDiv(2.0 * tp, support + predicted); // 2tp + fp + fn
        }
        out[0] = ClassificationReport.safeDiv(correct, n);
        out[1] = ClassificationReport.safeDiv(sp, used);
        out[2] = ClassificationReport.safeDiv(sr, used);
        out[3] = ClassificationReport.safeDiv(sf, used);
    }
}
