package io.medualtime.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny builder of one inline {@code <svg>} element (no namespace declaration: the HTML parser puts inline SVG in
 * the SVG namespace itself, and the page holds no URL). Text is escaped; coordinates are rounded to 0.1 px.
 */
final class Svg {
    /** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
    static final List<String> PALETTE = List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000");

    private final int width, height;
    private final StringBuilder body = new StringBuilder();

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
    }

    static String colour(int i) { return PALETTE.get(Math.floorMod(i, PALETTE.size())); }

    Svg line(double x1, double y1, double x2, double y2, String style) {
        body.append("<line x1=\"").append(Html.coord(x1)).append("\" y1=\"").append(Html.coord(y1)).append("\" x2=\"")
                .append(Html.coord(x2)).append("\" y2=\"").append(Html.coord(y2)).append("\" style=\"").append(Html.esc(style))
                .append("\"/>");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String style) {
        body.append("<rect x=\"").append(Html.coord(x)).append("\" y=\"").append(Html.coord(y)).append("\" width=\"")
                .append(Html.coord(w)).append("\" height=\"").append(Html.coord(h)).append("\" style=\"").append(Html.esc(style))
                .append("\"/>");
        return this;
    }

    Svg circle(double cx, double cy, double r, String style) {
        body.append("<circle cx=\"").append(Html.coord(cx)).append("\" cy=\"").append(Html.coord(cy)).append("\" r=\"")
                .append(Html.coord(r)).append("\" style=\"").append(Html.esc(style)).append("\"/>");
        return this;
    }

    /** An open polyline through {@code xs[i], ys[i]}; non-finite points are skipped. */
    Svg polyline(double[] xs, double[] ys, String style) {
        body.append("<polyline style=\"fill:none;").append(Html.esc(style)).append("\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) continue;
            body.append(Html.coord(xs[i])).append(',').append(Html.coord(ys[i])).append(' ');
        }
        body.append("\"/>");
        return this;
    }

    /** Text at (x, y); {@code anchor} is start, middle or end; {@code cls} a CSS class of the page (or null). */
    Svg text(double x, double y, String anchor, String cls, String text) {
        body.append("<text x=\"").append(Html.coord(x)).append("\" y=\"").append(Html.coord(y)).append("\" text-anchor=\"").append(anchor)
                .append('"');
        if (cls != null) body.append(" class=\"").append(cls).append('"');
        body.append('>').append(Html.esc(text)).append("</text>");
        return this;
    }

    /** Text rotated by -90 degrees around (x, y) (a vertical axis title). */
    Svg verticalText(double x, double y, String cls, String text) {
        body.append("<text transform=\"translate(").append(Html.coord(x)).append(',').append(Html.coord(y))
                .append(") rotate(-90)\" text-anchor=\"middle\" class=\"").append(cls).append("\">").append(Html.esc(text))
                .append("</text>");
        return this;
    }

    /** The element, with an accessible title. */
    String render(String title) {
        return "<svg width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\" role=\"img\"><title>"
                + Html.esc(title) + "</title>" + body + "</svg>";
    }

    /**
     * About {@code count} round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten); the first
     * tick is at or below lo, the last at or above hi.
     */
    static double[] ticks(double lo, double hi, int count) {
        if (!(hi > lo)) {
            double pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw))), step;
        double f = raw / mag;
        step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        double start = Math.floor(lo / step + 1e-9) * step, end = Math.ceil(hi / step - 1e-9) * step;
        List<Double> out = new ArrayList<>();
        for (double v = start; v <= end + step * 1e-6; v += step) out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tick label with as many decimals as the step needs. */
    static String tickLabel(double v, double step) {
        int digits = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }
}
