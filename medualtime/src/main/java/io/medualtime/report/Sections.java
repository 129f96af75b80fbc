package io.medualtime.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.medualtime.train.BootstrapCI;
import io.medualtime.train.ClassificationReport;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.MetricsJson;
import io.medualtime.train.PerClassCI;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parts of the page, each built from a run's recorded numbers; every text is escaped on the way in. */
final class Sections {
    private Sections() {}

    /** Data and LM provenance at the top of the page: synthetic data and a random-init LM in the loud style. */
    static void banners(ReportPage page, List<RunView> runs) {
        Set<String> data = new LinkedHashSet<>(), lms = new LinkedHashSet<>(), text = new LinkedHashSet<>();
        boolean synthetic = false, randomLm = false;
        for (RunView r : runs) {
            MetricsFile m = r.metrics();
            synthetic |= m.syntheticData();
            if (m.dataProvenance() != null) data.add(m.dataProvenance());
            randomLm |= Boolean.FALSE.equals(m.lmPretrained());
            lms.add(lm(r));
            Object te = m.config().get("text_encoder");
            if (te != null) text.add(te.toString());
        }
        if (synthetic)
            page.banner(true, "SYNTHETIC DATA.",
                    "Generated ECGs and reports, not real patients: these numbers say nothing about clinical performance. "
                            + String.join("; ", data));
        else
            page.banner(false, "Data:", String.join("; ", data));
        if (randomLm) page.banner(true, "LM: RANDOM INITIALISATION, NOT pretrained GPT-2.", String.join("; ", lms));
        else page.banner(false, "LM:", String.join("; ", lms));
        if (!text.isEmpty())
            page.banner(false, "Report vectors (temporal-primary pass):", String.join("; ", text)
                    + (text.contains("gpt2") ? " (the frozen LM itself)" : ""));
    }

    /** The LM as the run recorded it in metrics.json (else as run.json describes it). */
    private static String lm(RunView r) {
        return r.metrics().lmProvenance() != null ? r.metrics().lmProvenance() : r.spec() != null ? r.spec().describeLm() : "not recorded";
    }

    /** The headline numbers of one test evaluation as cards. */
    static String scoreCards(MetricsFile.Evaluation ev, String selection) {
        ClassificationReport r = ev.report();
        BootstrapCI ci = ev.ci();
        StringBuilder b = new StringBuilder("<div class=\"cards\">");
        card(b, "test accuracy", r.accuracy(), ci == null ? null : ci.accuracy());
        card(b, "test macro-F1", r.macroF1(), ci == null ? null : ci.macroF1());
        card(b, "macro precision", r.macroPrecision(), ci == null ? null : ci.macroPrecision());
        card(b, "macro recall", r.macroRecall(), ci == null ? null : ci.macroRecall());
        b.append("<div class=\"card\"><div class=\"v\">").append(r.n()).append("</div><div class=\"k\">test records</div></div></div>");
        if (selection != null) b.append("<p class=\"note\">").append(Html.esc(selection)).append("</p>");
        return b.toString();
    }

    private static void card(StringBuilder b, String name, double v, BootstrapCI.Interval ci) {
        b.append("<div class=\"card\"><div class=\"v\">").append(Html.num(v, 4)).append("</div><div class=\"k\">").append(Html.esc(name));
        if (ci != null)
            b.append(" <span class=\"ci\">95% CI [").append(Html.num(ci.lower(), 4)).append(", ").append(Html.num(ci.upper(), 4))
                    .append("]</span>");
        b.append("</div></div>");
    }

    /**
     * A table and an interval plot of several test evaluations (runs, or few-shot K): {@code names} label the rows
     * (and the plot) under the heading {@code rowHead}, {@code notes} add a small line under a name (or null), {@code extraCells} fill the
     * {@code extraHeads} columns.
     */
    static String comparison(String rowHead, List<String> extraHeads, List<String> names, List<String> notes, List<List<String>> extraCells,
            List<MetricsFile.Evaluation> evs, String title) {
        StringBuilder b = new StringBuilder("<div class=\"row\"><table><tr><th class=\"l\">").append(Html.esc(rowHead)).append("</th>");
        for (String h : extraHeads) b.append("<th>").append(Html.esc(h)).append("</th>");
        b.append(
                "<th>n</th><th>accuracy <span class=\"ci\">[95% CI]</span></th><th>macro-F1 <span class=\"ci\">[95% CI]</span></th><th>macro-P</th><th>macro-R</th></tr>");
        IntervalPlot plot = new IntervalPlot(List.of("accuracy", "macro-F1"));
        for (int i = 0; i < names.size(); i++) {
            ClassificationReport r = evs.get(i).report();
            BootstrapCI ci = evs.get(i).ci();
            b.append("<tr><td class=\"l\"><b>").append(Html.esc(names.get(i))).append("</b>");
            if (notes != null && notes.get(i) != null)
                b.append("<br/><span class=\"ci\">").append(Html.esc(notes.get(i))).append("</span>");
            b.append("</td>");
            for (String c : extraCells.get(i)) b.append("<td>").append(Html.esc(c)).append("</td>");
            b.append("<td>").append(r.n()).append("</td><td>").append(withCi(r.accuracy(), ci == null ? null : ci.accuracy()))
                    .append("</td><td>").append(withCi(r.macroF1(), ci == null ? null : ci.macroF1())).append("</td><td>")
                    .append(Html.num(r.macroPrecision(), 4)).append("</td><td>").append(Html.num(r.macroRecall(), 4)).append("</td></tr>");
            plot.row(names.get(i), ci == null
                    ? List.of(new BootstrapCI.Interval(r.accuracy(), r.accuracy(), r.accuracy()),
                            new BootstrapCI.Interval(r.macroF1(), r.macroF1(), r.macroF1()))
                    : List.of(ci.accuracy(), ci.macroF1()));
        }
        b.append("</table><figure class=\"fig\">").append(plot.render(520, title)).append("</figure></div>");
        return b.toString();
    }

    private static String withCi(double v, BootstrapCI.Interval ci) {
        return Html.num(v, 4)
                + (ci == null ? "" : " <span class=\"ci\">[" + Html.num(ci.lower(), 4) + ", " + Html.num(ci.upper(), 4) + "]</span>");
    }

    /** Per-epoch curves: one run gets loss (train + validation) and validation accuracy; several get one chart per quantity. */
    static String curves(List<RunView> runs) {
        List<LineChart> charts = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        if (runs.size() == 1) {
            List<MetricsFile.Epoch> h = runs.get(0).metrics().history();
            double mark = selected(runs.get(0));
            charts.add(new LineChart("epoch", "loss").series("training loss", epochs(h), values(h, "train"), 0, Double.NaN)
                    .series("validation loss", epochs(h), values(h, "val"), 1, mark));
            titles.add("Loss per epoch");
            LineChart acc = new LineChart("epoch", "accuracy").yRange(0, 1);
            if (hasAccuracy(h)) acc.series("validation accuracy", epochs(h), values(h, "acc"), 2, mark);
            charts.add(acc);
            titles.add("Validation accuracy per epoch");
        } else {
            String[][] kinds = {{"train", "Training loss", "loss"}, {"val", "Validation loss", "loss"},
                    {"acc", "Validation accuracy", "accuracy"}};
            for (String[] k : kinds) {
                LineChart c = new LineChart("epoch", k[2]);
                if (k[0].equals("acc")) c.yRange(0, 1);
                for (int i = 0; i < runs.size(); i++) {
                    List<MetricsFile.Epoch> h = runs.get(i).metrics().history();
                    if (!k[0].equals("acc") || hasAccuracy(h))
                        c.series(runs.get(i).name(), epochs(h), values(h, k[0]), i,
                                k[0].equals("train") ? Double.NaN : selected(runs.get(i)));
                }
                charts.add(c);
                titles.add(k[1]);
            }
        }
        int w = runs.size() == 1 ? 510 : 334;
        StringBuilder b = new StringBuilder(
                "<p class=\"note\">A ring marks the selected epoch (the lowest validation loss): its weights are the saved model.</p><div class=\"row\">");
        for (int i = 0; i < charts.size(); i++) {
            if (charts.get(i).isEmpty()) continue;
            b.append("<figure class=\"fig\"><h3>").append(Html.esc(titles.get(i))).append("</h3>")
                    .append(charts.get(i).render(w, 260, titles.get(i))).append("</figure>");
        }
        return b.append("</div>").toString();
    }

    private static double selected(RunView r) { return r.metrics().selectedEpoch() == null ? Double.NaN : r.metrics().selectedEpoch(); }

    private static boolean hasAccuracy(List<MetricsFile.Epoch> h) {
        return h.stream().anyMatch(e -> e.extra() != null && e.extra().get("valAccuracy") != null);
    }

    private static double[] epochs(List<MetricsFile.Epoch> h) { return h.stream().mapToDouble(MetricsFile.Epoch::epoch).toArray(); }

    private static double[] values(List<MetricsFile.Epoch> h, String kind) {
        return h.stream().mapToDouble(e -> {
            Double v = switch (kind) {
                case "train" -> e.trainLoss();
                case "val" -> e.valLoss();
                default -> e.extra() == null ? null : e.extra().get("valAccuracy");
            };
            return v == null ? Double.NaN : v;
        }).toArray();
    }

    /** The confusion matrix as a heat map next to the per-class table with bootstrap intervals. */
    static String confusion(String name, MetricsFile.Evaluation ev, long seed) {
        ClassificationReport r = ev.report();
        PerClassCI ci = r.n() == 0 ? null : PerClassCI.compute(r.confusion(), seed);
        StringBuilder b = new StringBuilder("<div class=\"row\"><figure class=\"fig\"><h3>").append(Html.esc(name)).append("</h3>")
                .append(HeatMap.render(r.classNames(), r.confusion(), "confusion matrix, " + name)).append("</figure>");
        b.append(
                "<table><tr><th class=\"l\">class</th><th>precision <span class=\"ci\">[95% CI]</span></th><th>recall <span class=\"ci\">[95% CI]</span></th>")
                .append("<th>F1 <span class=\"ci\">[95% CI]</span></th><th>support</th></tr>");
        for (int c = 0; c < r.numClasses(); c++) {
            b.append("<tr><td class=\"l\">").append(Html.esc(r.classNames().get(c))).append("</td><td>")
                    .append(withCi(r.precision(c), ci == null ? null : ci.precision().get(c))).append("</td><td>")
                    .append(withCi(r.recall(c), ci == null ? null : ci.recall().get(c))).append("</td><td>")
                    .append(withCi(r.f1(c), ci == null ? null : ci.f1().get(c))).append("</td><td>").append(r.support(c))
                    .append("</td></tr>");
        }
        b.append("<tr><td class=\"l\"><b>macro</b></td><td>").append(Html.num(r.macroPrecision(), 4)).append("</td><td>")
                .append(Html.num(r.macroRecall(), 4)).append("</td><td>").append(Html.num(r.macroF1(), 4)).append("</td><td>").append(r.n())
                .append("</td></tr></table></div>");
        return b.toString();
    }

    /** The example ECGs with their report text, true label and each model's prediction. */
    static String examples(Examples.Drawn d) {
        StringBuilder b = new StringBuilder(
                "<p class=\"note\">The first test record of each class. Paper proportions 25 mm/s, 10 mm/mV; grid 0.2 s x 0.5 mV.</p>");
        for (Examples.Example e : d.examples()) {
            b.append("<div class=\"ex\"><div><span class=\"tag\">record <b>").append(Html.esc(e.id()))
                    .append("</b></span><span class=\"tag\">true: <b>")
                    .append(Html.esc(e.truth())).append("</b></span>");
            for (Examples.Guess g : e.guesses())
                b.append("<span class=\"tag\">").append(Html.esc(g.source())).append(": <span class=\"").append(g.correct() ? "ok" : "bad")
                        .append("\">")
                        .append(Html.esc(g.label())).append(g.correct() ? " (right)" : " (wrong)").append("</span></span>");
            b.append("</div><p class=\"report\">").append(Html.esc(e.report())).append("</p>")
                    .append(EcgStrips.render(e.signal(), e.leads(), e.hz(), "ECG of record " + e.id())).append("</div>");
        }
        for (String n : d.notes()) b.append("<p class=\"note\">").append(Html.esc(n)).append("</p>");
        return b.toString();
    }

    /** What was run: folder, command, seed, provenance, the selection and every configuration entry. */
    static String config(RunView r) {
        MetricsFile m = r.metrics();
        StringBuilder b = new StringBuilder("<table>");
        kv(b, "run folder", r.dir().toAbsolutePath().normalize().toString());
        kv(b, "command", m.command());
        kv(b, "created", m.createdAt());
        kv(b, "seed", m.seed() == null ? null : m.seed().toString());
        kv(b, "threads", m.threads() == null ? null : m.threads().toString());
        kv(b, "data", m.dataProvenance());
        kv(b, "LM", lm(r));
        if (m.selectedEpoch() != null) kv(b, "selected epoch", m.selectedEpoch() + " (" + m.selectionCriterion() + ")");
        if (m.totalSeconds() != null) kv(b, "training time", Html.num(m.totalSeconds(), 1) + " s");
        for (Map.Entry<String, Object> e : m.config().entrySet()) kv(b, e.getKey(), compact(e.getValue()));
        return b.append("</table>").toString();
    }

    private static void kv(StringBuilder b, String k, String v) {
        if (v == null) return;
        b.append("<tr><th class=\"l\">").append(Html.esc(k)).append("</th><td class=\"wrap\"><code>").append(Html.esc(v))
                .append("</code></td></tr>");
    }

    static String compact(Object v) {
        if (v instanceof String s) return s;
        try {
            return MetricsJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
