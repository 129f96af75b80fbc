package io.medualtime.report;

import io.medualtime.train.LabelKind;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.MetricsJson;
import io.medualtime.train.Mode;
import io.medualtime.train.Repeats;
import io.medualtime.train.RunFolder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code report.html} of a run folder: one self-contained page to look at instead of reading metrics.json.
 * Built only from what the folder holds (metrics.json, run.json, the dataset it names, the saved model), so
 * {@code medualtime report RUN} rebuilds the page the run wrote. The kind of page follows the folder:
 * a supervised run ({@code train}), a transfer run (few-shot table per K), a pre-training run (the linear
 * probe), or a folder of runs such as the demo's (dual model and ablations side by side).
 */
public final class RunReport {
    /** The file name in the run folder. */
    public static final String FILE = "report.html";
    /** At most this many test ECGs are drawn (one per class). */
    static final int EXAMPLES = 5;

    private RunReport() {}

    /** Builds the page of {@code runDir} and writes it there atomically; returns its path. */
    public static Path write(Path runDir) throws IOException {
        Path target = runDir.resolve(FILE);
        RunFolder.writeAtomically(target, build(runDir).getBytes(StandardCharsets.UTF_8));
        return target;
    }

    /**
     * {@link #write} for the end of a job: prints where the page is, or ONE warning line if it could not be written
     * (the run's results are already on disk, so a report failure never fails the run).
     */
    public static void writeOrWarn(Path runDir, PrintStream log) {
        try {
            log.println("report:  " + write(runDir));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            System.err.println("warning: " + runDir.resolve(FILE) + " not written (" + why + "); the run's results are in " + runDir);
        }
    }

    /** The page of a run folder (or of a folder of runs), as HTML text. */
    public static String build(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(RunFolder.METRICS_FILE))) {
            RunView run = RunView.load(dir, dir.toAbsolutePath().normalize().getFileName().toString());
            if (run.isTransfer()) return TransferPage.build(run);
            if (run.isPretrain()) return pretrain(run);
            Repeats seeds = extra(run.metrics(), "repeats", Repeats.class);
            List<RunView> seedRuns = seeds == null ? List.of() : subRuns(dir);
            if (!seedRuns.isEmpty())   // train --seeds: the summary of the seed runs in the sub-folders
                return supervised(dir, seedRuns,
                        RepeatsTable.of(List.of(String.valueOf(run.spec() != null ? run.spec().mode() : "run")), List.of(seeds)));
            return supervised(dir, List.of(run), null);
        }
        List<RunView> runs = subRuns(dir);
        if (runs.isEmpty())
            throw new NoSuchFileException(dir.resolve(RunFolder.METRICS_FILE).toString(), null,
                    "not a run folder (no metrics.json here or in its sub-folders)");
        return supervised(dir, runs, null);
    }

    /**
     * The runs in the sub-folders of {@code dir}, in the order of their modes (dual first), then by name, numbers by
     * value (seed-2 before seed-10).
     */
    static List<RunView> subRuns(Path dir) throws IOException {
        List<RunView> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p.resolve(RunFolder.METRICS_FILE)))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString(), RunReport::naturalOrder)).toList())
                out.add(RunView.load(p, p.getFileName().toString()));
        }
        out.sort(Comparator.comparingInt(RunReport::modeOrder));
        return out;
    }

    /** Compares names with their runs of digits by value ("seed-2" < "seed-10"), the rest character by character. */
    static int naturalOrder(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i), y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i, sj = j;
                while (si < a.length() - 1 && a.charAt(si) == '0' && Character.isDigit(a.charAt(si + 1))) si++;   // leading zeros
                while (sj < b.length() - 1 && b.charAt(sj) == '0' && Character.isDigit(b.charAt(sj + 1))) sj++;
                int ei = si, ej = sj;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) ei++;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) ej++;
                int c = ei - si != ej - sj ? Integer.compare(ei - si, ej - sj) : a.substring(si, ei).compareTo(b.substring(sj, ej));
                if (c != 0) return c;
                i = ei;
                j = ej;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);    // equal by value ("seed-02", "seed-2"): a fixed order still
    }

    private static int modeOrder(RunView r) {
        try {
            return r.spec() == null ? Integer.MAX_VALUE : Mode.parse(r.spec().mode()).ordinal();
        } catch (IllegalArgumentException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * One supervised run, or several side by side (the demo: the dual model and its ablations; train --seeds: one run
     * per seed, with {@code repeats}, the spread over them, under the table).
     */
    static String supervised(Path dir, List<RunView> runs, String repeats) throws IOException {
        RunView first = runs.get(0);
        boolean one = runs.size() == 1;
        String cmd = String.valueOf(first.metrics().command());
        String title = one
                ? "MedualTime supervised run: " + first.name()
                : cmd.startsWith("demo")
                        ? "MedualTime demo: the dual model against its ECG-only and report-only ablations"
                        : repeats != null
                                ? "MedualTime supervised runs over " + runs.size() + " seeds: "
                                        + dir.toAbsolutePath().normalize().getFileName()
                                : "MedualTime: " + runs.size() + " runs side by side";
        ReportPage page = new ReportPage(title, one
                ? subtitle(dir, first)
                : "runs " + String.join(", ", runs.stream().map(RunView::name).toList()) + " · folder " + dir.toAbsolutePath().normalize()
                        + (first.metrics().createdAt() != null ? " · created " + first.metrics().createdAt() : ""));
        Sections.banners(page, runs);
        List<Examples.Predictor> predictors = new ArrayList<>();
        for (RunView r : runs) if (r.canPredict()) predictors.add(new Examples.Predictor(one ? "predicted" : r.name(), r));
        if (one) {
            MetricsFile.Evaluation test = first.metrics().test();
            if (test != null) page.section("results", "Test results at the selected epoch", Sections.scoreCards(test, selection(first)));
        } else {
            List<String> names = new ArrayList<>(), notes = new ArrayList<>();
            List<List<String>> cells = new ArrayList<>();
            List<MetricsFile.Evaluation> evs = new ArrayList<>();
            for (RunView r : runs) {
                if (r.metrics().test() == null) continue;
                names.add(r.name());
                notes.add(r.spec() != null ? Mode.parse(r.spec().mode()).describe() : null);
                cells.add(List.of(r.metrics().selectedEpoch() == null ? "" : r.metrics().selectedEpoch().toString()));
                evs.add(r.metrics().test());
            }
            page.section("results", "Test results, side by side (each at its selected epoch)",
                    Sections.comparison("run", List.of("epoch"), names, notes, cells, evs, "test accuracy and macro-F1 per run"));
        }
        if (repeats != null) page.section("repeats", "Over the repeated runs: mean and spread", repeats);
        page.section("curves", "Training curves", Sections.curves(runs));
        StringBuilder conf = new StringBuilder();
        for (RunView r : runs)
            if (r.metrics().test() != null)
                conf.append(Sections.confusion(one ? "test split" : r.name(), r.metrics().test(), seed(r)));
        page.section("confusion", "Confusion matrix and per-class precision / recall / F1 (test split)", conf.toString());
        LabelKind label = first.spec() != null ? first.spec().labelKind() : LabelKind.FINE;
        page.section("examples", "Test ECGs", Sections.examples(Examples.load(first.dataFolder(), label, predictors, EXAMPLES)));
        page.section("config", "Configuration and provenance", configs(runs));
        return page.render();
    }

    static String pretrain(RunView run) throws IOException {
        ReportPage page = new ReportPage("MedualTime contrastive pre-training + linear probe: " + run.name(), subtitle(run.dir(), run));
        Sections.banners(page, List.of(run));
        MetricsFile m = run.metrics();
        if (m.test() != null) {
            Object pe = m.extra().get("probeSelectedEpoch");
            page.section("results", "Linear probe on the frozen embeddings, test split",
                    Sections.scoreCards(m.test(),
                            "label " + m.config().get("probe_label") + "; probe selected at epoch " + pe + " by its validation loss"));
        }
        page.section("curves", "Contrastive training curves (InfoNCE)", Sections.curves(List.of(run)));
        if (m.test() != null)
            page.section("confusion", "Linear probe: confusion matrix and per-class precision / recall / F1",
                    Sections.confusion("test split", m.test(), seed(run)));
        LabelKind label = m.config().get("probe_label") != null
                ? LabelKind.parse(m.config().get("probe_label").toString())
                : LabelKind.FINE;
        Examples.Drawn d = Examples.load(run.dataFolder(), label, List.of(), EXAMPLES);
        List<String> notes = new ArrayList<>(d.notes());
        notes.add("The linear probe is not saved with the run, so the ECGs are shown with their true label only.");
        page.section("examples", "Test ECGs", Sections.examples(new Examples.Drawn(d.examples(), notes)));
        page.section("config", "Configuration and provenance", configs(List.of(run)));
        return page.render();
    }

    static String subtitle(Path dir, RunView first) {
        MetricsFile m = first.metrics();
        return (m.command() != null ? "command " + m.command() + " · " : "") + "run folder " + dir.toAbsolutePath().normalize()
                + (m.createdAt() != null ? " · created " + m.createdAt() : "")
                + (m.seed() != null ? " · seed " + m.seed() : "");
    }

    static String selection(RunView r) {
        MetricsFile m = r.metrics();
        return m.selectedEpoch() == null
                ? null
                : "Selected epoch " + m.selectedEpoch() + " of " + m.history().size() + " (" + m.selectionCriterion() + ")"
                        + (r.spec() != null
                                ? "; mode " + r.spec().mode() + " (" + Mode.parse(r.spec().mode()).describe() + "), label "
                                        + r.spec().label()
                                : "");
    }

    static long seed(RunView r) { return r.metrics().seed() == null ? 0 : r.metrics().seed(); }

    static String configs(List<RunView> runs) {
        if (runs.size() == 1) return Sections.config(runs.get(0));
        StringBuilder b = new StringBuilder();
        for (RunView r : runs)
            b.append("<details><summary>").append(Html.esc(r.name())).append("</summary>").append(Sections.config(r)).append("</details>");
        return b.toString();
    }

    /** A value of metrics.json's free-form {@code extra} read as {@code type}. */
    static <T> T extra(MetricsFile m, String key, Class<T> type) {
        Object v = m.extra().get(key);
        return v == null ? null : MetricsJson.mapper().convertValue(v, type);
    }
}
