package io.medualtime.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of per-epoch curves (losses, accuracies) as inline SVG: axes with round ticks, a legend, a dot on
 * every point of short curves, and a ring on each curve's selected epoch (explained in the page's text).
 */
final class LineChart {
    private record Series(String name, double[] x, double[] y, String colour, double markX) {}

    private static final int LEFT = 56, RIGHT = 14, TOP = 30, BOTTOM = 40;

    private final String xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private double yMin = Double.NaN, yMax = Double.NaN;

    LineChart(String xLabel, String yLabel) {
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A curve; {@code markX} is the x of its selected point (NaN for none). */
    LineChart series(String name, double[] x, double[] y, int colour, double markX) {
        series.add(new Series(name, x.clone(), y.clone(), Svg.colour(colour), markX));
        return this;
    }

    /** Fixes the y range (e.g. 0..1 for an accuracy) instead of fitting it to the data. */
    LineChart yRange(double lo, double hi) {
        yMin = lo;
        yMax = hi;
        return this;
    }

    boolean isEmpty() { return series.isEmpty(); }

    String render(int width, int height, String title) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series)
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.x[i]) || !Double.isFinite(s.y[i])) continue;
                x0 = Math.min(x0, s.x[i]);
                x1 = Math.max(x1, s.x[i]);
                y0 = Math.min(y0, s.y[i]);
                y1 = Math.max(y1, s.y[i]);
            }
        if (!Double.isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
        if (x1 == x0) { x0 -= 0.5; x1 += 0.5; }
        if (Double.isFinite(yMin)) { y0 = yMin; y1 = yMax; }
        double[] yt = Svg.ticks(y0, y1, 5);
        double ylo = yt[0], yhi = yt[yt.length - 1];
        double[] xt = Svg.ticks(x0, x1, Math.min(8, Math.max(1, (int) Math.round(x1 - x0))));
        double pw = width - LEFT - RIGHT, ph = height - TOP - BOTTOM;
        double fx0 = x0, fx1 = x1;
        java.util.function.DoubleUnaryOperator px = v -> LEFT + (v - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> TOP + ph - (v - ylo) / (yhi - ylo) * ph;

        Svg svg = new Svg(width, height);
        svg.rect(LEFT, TOP, pw, ph, "fill:#fff;stroke:#bbb");
        double ystep = yt.length > 1 ? yt[1] - yt[0] : 1, xstep = xt.length > 1 ? xt[1] - xt[0] : 1;
        for (double v : yt) {
            double y = py.applyAsDouble(v);
            svg.line(LEFT, y, LEFT + pw, y, "stroke:#eee").text(LEFT - 6, y + 4, "end", "tick", Svg.tickLabel(v, ystep));
        }
        for (double v : xt) {
            if (v < x0 - 1e-9 || v > x1 + 1e-9) continue;
            double x = px.applyAsDouble(v);
            svg.line(x, TOP + ph, x, TOP + ph + 4, "stroke:#888").text(x, TOP + ph + 17, "middle", "tick", Svg.tickLabel(v, xstep));
        }
        svg.text(LEFT + pw / 2, height - 6, "middle", "axis", xLabel).verticalText(14, TOP + ph / 2, "axis", yLabel);

        for (Series s : series) {
            double[] xs = new double[s.x.length], ys = new double[s.y.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = px.applyAsDouble(s.x[i]);
                ys[i] = py.applyAsDouble(Math.max(ylo, Math.min(yhi, s.y[i])));
                if (!Double.isFinite(s.y[i])) ys[i] = Double.NaN;
            }
            String stroke = "stroke:" + s.colour + ";stroke-width:2";
            svg.polyline(xs, ys, stroke);
            if (xs.length <= 25)
                for (int i = 0; i < xs.length; i++) if (Double.isFinite(ys[i])) svg.circle(xs[i], ys[i], 2.5, "fill:" + s.colour);
            for (int i = 0; i < xs.length; i++)
                if (s.x[i] == s.markX && Double.isFinite(ys[i]))
                    svg.circle(xs[i], ys[i], 6, "fill:none;stroke-width:2;stroke:" + s.colour);
        }
        legend(svg);
        return svg.render(title);
    }

    /** One row of swatches above the plot. */
    private void legend(Svg svg) {
        double x = LEFT;
        for (Series s : series) {
            svg.line(x, 14, x + 22, 14, "stroke-width:2;stroke:" + s.colour);
            svg.text(x + 27, 18, "start", "legend", s.name);
            x += 40 + 6.5 * s.name.length();
        }
    }
}
