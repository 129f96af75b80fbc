package io.medualtime.report;

import io.medualtime.train.BootstrapCI;

import java.util.ArrayList;
import java.util.List;

/**
 * Point estimates with their bootstrap intervals, one row per run (or per K), one colour per metric: a dot on a
 * whisker over a shared 0..1 axis, so overlapping and separated intervals are seen at a glance.
 */
final class IntervalPlot {
    private record Row(String label, List<BootstrapCI.Interval> values) {}

    private static final int LEFT = 110, RIGHT = 20, TOP = 30, ROW = 34, BOTTOM = 40;

    private final List<String> metrics;
    private final List<Row> rows = new ArrayList<>();

    IntervalPlot(List<String> metrics) { this.metrics = List.copyOf(metrics); }

    /** A row: one interval per metric, in the order of the constructor (null for a missing one). */
    IntervalPlot row(String label, List<BootstrapCI.Interval> values) {
        rows.add(new Row(label, values));
        return this;
    }

    String render(int width, String title) {
        int height = TOP + rows.size() * ROW + BOTTOM;
        double pw = width - LEFT - RIGHT;
        Svg svg = new Svg(width, height);
        svg.rect(LEFT, TOP, pw, rows.size() * ROW, "fill:#fff;stroke:#bbb");
        for (double v : Svg.ticks(0, 1, 10)) {
            double x = LEFT + v * pw;
            svg.line(x, TOP, x, TOP + rows.size() * ROW, "stroke:#eee")
                    .text(x, TOP + rows.size() * ROW + 16, "middle", "tick", Svg.tickLabel(v, 0.1));
        }
        svg.text(LEFT + pw / 2, height - 6, "middle", "axis", "test score, with its 95% bootstrap interval");
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            double yc = TOP + r * ROW + ROW / 2.0;
            svg.text(LEFT - 10, yc + 4, "end", "label", row.label);
            for (int m = 0; m < metrics.size() && m < row.values.size(); m++) {
                BootstrapCI.Interval iv = row.values.get(m);
                if (iv == null) continue;
                double y = yc + (m - (metrics.size() - 1) / 2.0) * 9;
                String c = Svg.colour(m);
                svg.line(LEFT + clamp(iv.lower()) * pw, y, LEFT + clamp(iv.upper()) * pw, y, "stroke-width:2.5;stroke:" + c);
                svg.circle(LEFT + clamp(iv.estimate()) * pw, y, 4.5, "stroke:#fff;fill:" + c);
            }
        }
        double x = LEFT;
        for (int m = 0; m < metrics.size(); m++) {
            svg.circle(x + 5, 14, 4.5, "fill:" + Svg.colour(m));
            svg.text(x + 14, 18, "start", "legend", metrics.get(m));
            x += 30 + 6.5 * metrics.get(m).length();
        }
        return svg.render(title);
    }

    private static double clamp(double v) { return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0; }
}
