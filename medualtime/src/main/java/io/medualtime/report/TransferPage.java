package io.medualtime.report;

import io.medualtime.train.LabelKind;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.MetricsJson;
import io.medualtime.train.Repeats;
import io.medualtime.train.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The page of a few-shot transfer run: the table per K, the coarse model it started from, and its training. */
final class TransferPage {
    private TransferPage() {}

    static String build(RunView run) throws IOException {
        MetricsFile m = run.metrics();
        ReportPage page = new ReportPage("MedualTime few-shot transfer, coarse to fine: " + run.name(), RunReport.subtitle(run.dir(), run));
        Path basePath = run.baseRun();
        RunView base = basePath != null && Files.isRegularFile(basePath.resolve(RunFolder.METRICS_FILE))
                ? RunView.load(basePath, "coarse base run")
                : null;
        Sections.banners(page, base == null ? List.of(run) : List.of(run, base));

        List<String> names = new ArrayList<>();
        List<List<String>> cells = new ArrayList<>();
        List<MetricsFile.Evaluation> evs = new ArrayList<>();
        List<String> drawn = new ArrayList<>();
        List<Repeats> draws = new ArrayList<>();
        for (Map<String, Object> row : fewShotRows(m)) {
            names.add("K=" + row.get("k"));
            if (row.get("repeats") != null) {   // transfer --draws N: the row shows the first draw, this the spread
                drawn.add("K=" + row.get("k"));
                draws.add(MetricsJson.mapper().convertValue(row.get("repeats"), Repeats.class));
            }
            cells.add(List.of(String.valueOf(row.get("trainRecords")), String.valueOf(row.get("selectedEpoch")),
                    Html.num(row.get("valLoss") instanceof Number n ? n.doubleValue() : null, 4)));
            evs.add(MetricsJson.mapper().convertValue(row.get("test"), MetricsFile.Evaluation.class));
        }
        page.section("results", "Fine-label test results per K (records per class for the new linear head)",
                Sections.comparison("K", List.of("records", "head epoch", "val loss"), names, null, cells, evs,
                        "test accuracy and macro-F1 per K"));
        if (!draws.isEmpty())
            page.section("repeats", "Over the K-shot draws: mean and spread per K", RepeatsTable.of(drawn, draws));
        MetricsFile.Evaluation coarse = RunReport.extra(m, "coarseTest", MetricsFile.Evaluation.class);
        if (coarse != null)
            page.section("coarse",
                    "The frozen coarse model the heads start from (its own test result, " + coarse.report().numClasses() + " classes)",
                    Sections.scoreCards(coarse, base != null ? RunReport.selection(base) : null));
        if (base != null) page.section("curves", "Training curves of the coarse model", Sections.curves(List.of(base)));
        if (!evs.isEmpty())
            page.section("confusion",
                    "Largest K (" + names.get(names.size() - 1) + "): confusion matrix and per-class precision / recall / F1",
                    Sections.confusion(names.get(names.size() - 1), evs.get(evs.size() - 1), RunReport.seed(run)));

        List<Examples.Predictor> predictors = base != null && base.canPredict()
                ? List.of(new Examples.Predictor("coarse model", base))
                : List.of();
        Examples.Drawn d = Examples.load(run.dataFolder(), LabelKind.FINE, predictors, RunReport.EXAMPLES);
        List<String> notes = new ArrayList<>(d.notes());
        notes.add("The few-shot heads are not saved with the run: the predictions drawn are the coarse model's (coarse classes), "
                + "right or wrong against the record's coarse label.");
        page.section("examples", "Test ECGs", Sections.examples(new Examples.Drawn(d.examples(), notes)));
        page.section("config", "Configuration and provenance", RunReport.configs(base == null ? List.of(run) : List.of(run, base)));
        return page.render();
    }

    @SuppressWarnings("unchecked") private static List<Map<String, Object>> fewShotRows(MetricsFile m) {
        Object v = m.extra().get("fewShot");
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
