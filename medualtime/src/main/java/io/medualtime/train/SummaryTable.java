package io.medualtime.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A side-by-side comparison of runs (e.g. dual / ts-only / text-only) as an aligned text table:
 *
 * <pre>
 * Supervised, 5 classes, test fold  [SYNTHETIC data; random-init LM]
 *
 * run        n    accuracy [95% CI]        macro-F1 [95% CI]        macro-P  macro-R
 * ---------  ---  -----------------------  -----------------------  -------  -------
 * dual       400  0.8125 [0.7750, 0.8500]  0.8010 [0.7601, 0.8399]   0.8050   0.8000
 * ts-only    400  ...
 *
 * 95% percentile-bootstrap intervals over the test samples (1000 resamples).
 * </pre>
 *
 * Labels in the title line say what the numbers are not (synthetic data, an LM that is not pretrained);
 * {@link #add(String, MetricsFile)} adds them by itself from the run's provenance, so a table of synthetic runs
 * cannot lose that mark. {@link #render()} is for logs, {@link #renderMarkdown()} for documents.
 */
public final class SummaryTable {

    private record Row(String name, ClassificationReport report, BootstrapCI ci) {}

    public static final String SYNTHETIC_LABEL = "SYNTHETIC data";
    public static final String RANDOM_LM_LABEL = "random-init LM";

    private final String title;
    private final Set<String> labels = new LinkedHashSet<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Object[]> repeats = new ArrayList<>();   // {name, Repeats}

    public SummaryTable(String title) { this.title = Objects.requireNonNull(title, "title"); }

    /** Adds a label to the title line (duplicates are ignored). */
    public SummaryTable label(String label) {
        labels.add(Objects.requireNonNull(label));
        return this;
    }

    /** A row; {@code ci} may be null (then only point estimates are shown). */
    public SummaryTable add(String name, ClassificationReport report, BootstrapCI ci) {
        rows.add(new Row(Objects.requireNonNull(name), Objects.requireNonNull(report, "report"), ci));
        return this;
    }

    /** A row from a run's test evaluation; adds {@value #SYNTHETIC_LABEL} / {@value #RANDOM_LM_LABEL} labels as the run says. */
    public SummaryTable add(String name, MetricsFile run) {
        MetricsFile.Evaluation test = run.test();
        if (test == null) throw new IllegalArgumentException("run " + name + " has no test evaluation");
        if (run.syntheticData()) label(SYNTHETIC_LABEL);
        if (Boolean.FALSE.equals(run.lmPretrained())) label(RANDOM_LM_LABEL);
        return add(name, test.report(), test.ci());
    }

    /** A line of the block under the table that gives the spread over repeated runs (seeds or draws). */
    public SummaryTable repeats(String name, Repeats r) {
        repeats.add(new Object[]{Objects.requireNonNull(name), Objects.requireNonNull(r, "repeats")});
        return this;
    }

    public List<String> labels() { return List.copyOf(labels); }

    private List<String[]> repeatCells() {
        List<String[]> out = new ArrayList<>();
        out.add(new String[]{"run", "runs", "accuracy mean +- std", "macro-F1 mean +- std", "accuracy per run"});
        for (Object[] e : repeats) {
            Repeats r = (Repeats) e[1];
            out.add(new String[]{(String) e[0], r.runs().size() + " " + r.over() + (r.runs().size() == 1 ? "" : "s"),
                    r.accuracy().format(), r.macroF1().format(), r.accuracy().formatValues()});
        }
        return out;
    }

    private static final String REPEATS_NOTE = "Over repeated runs: mean +- sample standard deviation of the test scores.";

    private List<String[]> cells() {
        String level = "95%";
        for (Row r : rows) if (r.ci != null) { level = pct(r.ci.level()); break; }
        List<String[]> out = new ArrayList<>();
        out.add(new String[]{"run", "n", "accuracy [" + level + " CI]", "macro-F1 [" + level + " CI]", "macro-P", "macro-R"});
        for (Row r : rows) {
            ClassificationReport m = r.report;
            out.add(new String[]{r.name, Integer.toString(m.n()),
                    r.ci == null ? f4(m.accuracy()) : r.ci.accuracy().format(),
                    r.ci == null ? f4(m.macroF1()) : r.ci.macroF1().format(),
                    f4(m.macroPrecision()), f4(m.macroRecall())});
        }
        return out;
    }

    private String titleLine() {
        return labels.isEmpty() ? title : title + "  [" + String.join("; ", labels) + "]";
    }

    private String footnote() {
        Set<String> notes = new LinkedHashSet<>();
        for (Row r : rows)
            if (r.ci != null)
                notes.add(String.format(Locale.ROOT, "%s percentile-bootstrap intervals over the test samples (%d resamples).",
                        pct(r.ci.level()), r.ci.resamples()));
        return String.join(" ", notes);
    }

    /** The aligned text table (title, blank line, header, rule, rows, and a footnote on the intervals). */
    public String render() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(titleLine()).append(nl).append(nl).append(aligned(cells()));
        String foot = footnote();
        if (!foot.isEmpty()) sb.append(nl).append(foot).append(nl);
        if (!repeats.isEmpty()) sb.append(nl).append(REPEATS_NOTE).append(nl).append(nl).append(aligned(repeatCells()));
        return sb.toString();
    }

    private static String aligned(List<String[]> cells) {
        int cols = cells.get(0).length;
        int[] w = new int[cols];
        for (String[] row : cells) for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], row[c].length());
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            sb.append(line(cells.get(r), w)).append(nl);
            if (r == 0) {
                String[] rule = new String[cols];
                for (int c = 0; c < cols; c++) rule[c] = "-".repeat(w[c]);
                sb.append(line(rule, w)).append(nl);
            }
        }
        return sb.toString();
    }

    /** The same as a Markdown table, the title in bold above it. */
    public String renderMarkdown() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder("**").append(titleLine()).append("**").append(nl).append(nl).append(markdown(cells()));
        String foot = footnote();
        if (!foot.isEmpty()) sb.append(nl).append(foot).append(nl);
        if (!repeats.isEmpty()) sb.append(nl).append(REPEATS_NOTE).append(nl).append(nl).append(markdown(repeatCells()));
        return sb.toString();
    }

    private static String markdown(List<String[]> cells) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            sb.append("| ").append(String.join(" | ", escape(cells.get(r)))).append(" |").append(nl);
            if (r == 0) sb.append("|---|").append("---:|".repeat(cells.get(0).length - 1)).append(nl);
        }
        return sb.toString();
    }

    private static String[] escape(String[] row) {
        String[] out = new String[row.length];
        for (int i = 0; i < row.length; i++) out[i] = row[i].replace("|", "\\|");
        return out;
    }

    /** First column left-aligned, numbers right-aligned; no trailing spaces. */
    private static String line(String[] row, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            if (c > 0) sb.append("  ");
            String fmt = c == 0 ? "%-" + w[c] + "s" : "%" + w[c] + "s";
            sb.append(String.format(Locale.ROOT, fmt, row[c]));
        }
        return sb.toString().stripTrailing();
    }

    private static String f4(double v) { return ClassificationReport.f4(v); }

    private static String pct(double level) {
        double p = level * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    @Override public String toString() { return render(); }
}
