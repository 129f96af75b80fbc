package io.medualtime.report;

import io.medualtime.train.Repeats;

import java.util.List;

/** Repeated runs (training seeds, K-shot draws) on the page: mean +- sample std of each score and the per-run values. */
final class RepeatsTable {
    private RepeatsTable() {}

    /** One row per {@code names[i]} with its {@code repeats[i]}; an empty string when there are none. */
    static String of(List<String> names, List<Repeats> repeats) {
        if (repeats.isEmpty()) return "";
        StringBuilder b = new StringBuilder("<table class=\"repeats\"><thead><tr><th></th><th>runs</th><th>accuracy mean &#177; std</th>"
                + "<th>macro-F1 mean &#177; std</th><th>accuracy per run</th><th>macro-F1 per run</th></tr></thead><tbody>");
        for (int i = 0; i < repeats.size(); i++) {
            Repeats r = repeats.get(i);
            b.append("<tr><th>").append(Html.esc(names.get(i))).append("</th><td>").append(r.runs().size()).append(" ")
                    .append(Html.esc(r.over())).append(r.runs().size() == 1 ? "" : "s").append(" ").append(Html.esc(r.runs().toString()))
                    .append("</td><td>").append(Html.esc(r.accuracy().format())).append("</td><td>").append(Html.esc(r.macroF1().format()))
                    .append("</td><td>").append(Html.esc(r.accuracy().formatValues())).append("</td><td>")
                    .append(Html.esc(r.macroF1().formatValues())).append("</td></tr>");
        }
        return b.append("</tbody></table><p class=\"note\">Sample standard deviation (n - 1) over the runs; each run's own "
                + "bootstrap intervals are in its row above.</p>").toString();
    }
}
