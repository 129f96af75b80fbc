package io.medualtime.train;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.List;

/**
 * Percentile-bootstrap intervals of each class's precision, recall and F1, computed from a confusion matrix alone
 * (it holds every (true, predicted) pair of the test set, so a report can be rebuilt from {@code metrics.json}).
 *
 * <p>Each of the {@code resamples} replicates draws {@code n} pairs with replacement (a {@link Well19937c} seeded
 * with {@code seed}) from the pairs in row-major order of the matrix and recomputes the per-class numbers with
 * {@link ClassificationReport}'s conventions (zero_division=0: a class never predicted in a replicate has
 * precision 0 there); the interval is the {@code (1-level)/2} and {@code (1+level)/2} quantiles (numpy's default
 * estimator, as {@link BootstrapCI}). Like the macro intervals, these show test-set sampling noise only.
 *
 * @param precision per class, with its interval
 * @param recall    per class, with its interval
 * @param f1        per class, with its interval
 */
public record PerClassCI(List<BootstrapCI.Interval> precision, List<BootstrapCI.Interval> recall, List<BootstrapCI.Interval> f1) {

    /** 95% intervals from 1000 replicates. */
    public static PerClassCI compute(int[][] confusion, long seed) {
        return compute(confusion, BootstrapCI.DEFAULT_RESAMPLES, BootstrapCI.DEFAULT_LEVEL, seed);
    }

    /**
     * Intervals from {@code resamples} replicates at coverage {@code level}.
     *
     * @throws IllegalArgumentException for an empty or non-square matrix, a negative count, resamples &lt; 1 or a
     *                                  level outside (0, 1)
     */
    public static PerClassCI compute(int[][] confusion, int resamples, double level, long seed) {
        int k = confusion.length, n = 0;
        for (int[] row : confusion) {
            if (row.length != k)
                throw new IllegalArgumentException(
                        "confusion matrix must be square, got a row of " + row.length + " for " + k + " classes");
            for (int v : row) {
                if (v < 0) throw new IllegalArgumentException("negative count in confusion matrix");
                n += v;
            }
        }
        if (n == 0) throw new IllegalArgumentException("bootstrap of an empty confusion matrix");
        if (resamples < 1) throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        int[] truth = new int[n], pred = new int[n];
        int i = 0;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
                for (int c = 0; c < confusion[t][p]; c++, i++) {
                    truth[i] = t;
                    pred[i] = p;
                }
        double[][] ps = new double[k][resamples], rs = new double[k][resamples], fs = new double[k][resamples];
        RandomGenerator rng = new Well19937c(seed);
        int[] tp = new int[k], support = new int[k], predicted = new int[k];
        for (int r = 0; r < resamples; r++) {
            java.util.Arrays.fill(tp, 0);
            java.util.Arrays.fill(support, 0);
            java.util.Arrays.fill(predicted, 0);
            for (int s = 0; s < n; s++) {
                int j = rng.nextInt(n);
                support[truth[j]]++;
                predicted[pred[j]]++;
                if (truth[j] == pred[j]) tp[truth[j]]++;
            }
            for (int c = 0; c < k; c++) {
                ps[c][r] = ClassificationReport.safeDiv(tp[c], predicted[c]);
                rs[c][r] = ClassificationReport.safeDiv(tp[c], support[c]);
                fs[c][r] = ClassificationReport.safeDiv(2.0 * tp[c], support[c] + predicted[c]);
            }
        }
        List<String> names = java.util.stream.IntStream.range(0, k).mapToObj(c -> "c" + c).toList();
        ClassificationReport full = new ClassificationReport(names, confusion);
        Percentile q = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double lo = 100 * (1 - level) / 2, hi = 100 * (1 + level) / 2;
        BootstrapCI.Interval[] p = new BootstrapCI.Interval[k], rc = new BootstrapCI.Interval[k], f = new BootstrapCI.Interval[k];
        for (int c = 0; c < k; c++) {
            p[c] = BootstrapCI.interval(q, full.precision(c), ps[c], lo, hi);
            rc[c] = BootstrapCI.interval(q, full.recall(c), rs[c], lo, hi);
            f[c] = BootstrapCI.interval(q, full.f1(c), fs[c], lo, hi);
        }
        return new PerClassCI(List.of(p), List.of(rc), List.of(f));
    }
}
