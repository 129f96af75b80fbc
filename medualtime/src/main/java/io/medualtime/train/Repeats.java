package io.medualtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spread of the test scores over repeated runs of one protocol (training seeds, or K-shot draws): mean and
 * sample standard deviation (n - 1; 0 for one run) of accuracy and macro-F1, with the per-run values in run order.
 * Recorded in metrics.json and printed under the summary table.
 *
 * @param over     what varies between the runs ("seed", "draw")
 * @param runs     the run identifiers (the seeds, or the draw numbers 0..N-1), in order
 * @param accuracy test accuracy over the runs
 * @param macroF1  test macro-F1 over the runs
 */
public record Repeats(String over, List<Long> runs, Spread accuracy, Spread macroF1) {

    /** Mean, sample standard deviation and the values themselves. */
    public record Spread(double mean, double std, List<Double> values) {
        public static Spread of(List<Double> values) {
            if (values.isEmpty()) throw new IllegalArgumentException("no runs to summarise");
            double mean = 0;
            for (double v : values) mean += v;
            mean /= values.size();
            double ss = 0;
            for (double v : values) ss += (v - mean) * (v - mean);
            return new Spread(mean, values.size() < 2 ? 0 : Math.sqrt(ss / (values.size() - 1)), List.copyOf(values));
        }

        /** {@code 0.6333 +- 0.0120}. */
        public String format() { return String.format(Locale.ROOT, "%.4f +- %.4f", mean, std); }

        /** The per-run values, {@code 0.6200 0.6400 0.6400}. */
        public String formatValues() {
            List<String> out = new ArrayList<>();
            for (double v : values) out.add(String.format(Locale.ROOT, "%.4f", v));
            return String.join(" ", out);
        }
    }

    /** The spread of the test reports of runs {@code runs} (same order). */
    public static Repeats of(String over, List<Long> runs, List<ClassificationReport> tests) {
        if (runs.size() != tests.size()) throw new IllegalArgumentException(runs.size() + " runs but " + tests.size() + " test reports");
        return new Repeats(over, List.copyOf(runs), Spread.of(tests.stream().map(ClassificationReport::accuracy).toList()),
                Spread.of(tests.stream().map(ClassificationReport::macroF1).toList()));
    }
}
