package io.medualtime.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The shell of {@code report.html}: one self-contained page (inline CSS and SVG; no script, no link, no URL), with
 * a title, provenance banners at the top and titled sections. The markup is well-formed XML (every element closed,
 * every text escaped) so tests parse it with an XML parser.
 */
final class ReportPage {
    private record Section(String id, String heading, String html) {}

    private final String title, subtitle;
    private final List<String> banners = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();

    ReportPage(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    /** A provenance line; {@code warn} makes it the loud kind (synthetic data, an LM that is not pretrained). */
    ReportPage banner(boolean warn, String label, String text) {
        banners.add("<div class=\"banner " + (warn ? "warn" : "info") + "\"><b>" + Html.esc(label) + "</b> " + Html.esc(text) + "</div>");
        return this;
    }

    /** A section; {@code html} is already markup (built from escaped text). */
    ReportPage section(String id, String heading, String html) {
        sections.add(new Section(id, heading, html));
        return this;
    }

    String render() {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>").append(Html.esc(title)).append("</title><style>").append(CSS).append("</style></head>\n<body><main>")
                .append("<header><h1>").append(Html.esc(title)).append("</h1><p class=\"sub\">").append(Html.esc(subtitle)).append("</p>")
                .append("<div class=\"banners\" id=\"provenance\">");
        banners.forEach(b::append);
        b.append("</div></header>\n");
        for (Section s : sections)
            b.append("<section id=\"").append(Html.esc(s.id)).append("\"><h2>").append(Html.esc(s.heading)).append("</h2>")
                    .append(s.html).append("</section>\n");
        b.append(
                "<footer>Written by <code>medualtime report</code> from the run folder (metrics.json, run.json, the dataset and the saved model); ")
                .append("rebuild it with <code>bin/medualtime report RUN</code>. Bootstrap intervals show the sampling noise of the test set only, ")
                .append("not seed-to-seed training noise.</footer></main></body></html>\n");
        return b.toString();
    }

    private static final String CSS = String.join("",
            "body{margin:0;background:#f4f5f7;color:#1d2330;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}",
            "main{max-width:1120px;margin:0 auto;padding:18px 22px 30px}",
            "h1{font-size:24px;margin:4px 0 2px}h2{font-size:18px;margin:0 0 10px}h3{font-size:14px;margin:0 0 6px;color:#3a4355}",
            ".sub{margin:0 0 10px;color:#5a6275}",
            ".banner{padding:7px 12px;border-radius:6px;margin:5px 0;border:1px solid}",
            ".banner.warn{background:#fff1e0;border-color:#e69f00;color:#6b3d00}.banner.info{background:#e8f1fa;border-color:#9cc3e6;color:#123d63}",
            "section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:14px 16px;margin:14px 0}",
            ".row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}.fig{margin:0}",
            "table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{white-space:nowrap;padding:4px 10px;border-bottom:1px solid #e6e8ee;text-align:right}",
            "th{background:#f6f7f9;font-weight:600}td.l,th.l{text-align:left}td.wrap{white-space:normal;word-break:break-word;text-align:left}.ci{color:#6a7285;font-size:12px}",
            ".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #dde1e8;border-radius:8px;padding:8px 14px;min-width:150px}",
            ".card .v{font-size:22px;font-weight:600}.card .k{color:#5a6275;font-size:12px}",
            ".ex{border-top:1px solid #e6e8ee;padding-top:10px;margin-top:10px}.ex:first-of-type{border-top:0;margin-top:0;padding-top:0}",
            ".report{font-style:italic;background:#f6f7f9;border-left:3px solid #9aa3b5;padding:4px 10px;margin:6px 0}",
            ".ok{color:#00704a;font-weight:600}.bad{color:#b23c00;font-weight:600}.tag{display:inline-block;margin-right:14px}",
            ".note{color:#5a6275;font-size:12px}footer{color:#6a7285;font-size:12px;margin-top:8px}",
            "details summary{cursor:pointer;font-weight:600;margin:4px 0}code{font-size:12px}",
            "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;fill:#1d2330}",
            "svg .tick{font-size:11px;fill:#4a5163}svg .axis{font-size:12px;font-weight:600}svg .legend{font-size:12px}",
            "svg .label{font-size:12px}svg .lead{font-size:11px;font-weight:600}svg .cell{font-size:13px;font-weight:600}",
            "svg .cell-dark{font-size:13px;font-weight:600;fill:#fff}svg .small{font-size:10px;font-weight:400}");
}
