package io.medualtime.report;

import java.util.List;
import java.util.Locale;

/**
 * A confusion matrix {@code [true][predicted]} as an SVG heat map: each cell shows its count, shaded by the share
 * of its row (the recall of the true class on the diagonal), so rows of rare classes stay readable.
 */
final class HeatMap {
    private static final int CELL = 54, LEFT = 84, TOP = 58;

    private HeatMap() {}

    static String render(List<String> classNames, int[][] confusion, String title) {
        int k = classNames.size();
        int width = LEFT + k * CELL + 12, height = TOP + k * CELL + 12;
        Svg svg = new Svg(width, height);
        svg.text(LEFT + k * CELL / 2.0, 14, "middle", "axis", "predicted class");
        svg.verticalText(16, TOP + k * CELL / 2.0, "axis", "true class");
        for (int c = 0; c < k; c++) {
            svg.text(LEFT + c * CELL + CELL / 2.0, TOP - 8, "middle", "tick", classNames.get(c));
            svg.text(LEFT - 8, TOP + c * CELL + CELL / 2.0 + 4, "end", "tick", classNames.get(c));
        }
        for (int t = 0; t < k; t++) {
            int row = 0;
            for (int v : confusion[t]) row += v;
            for (int p = 0; p < k; p++) {
                double share = row == 0 ? 0 : confusion[t][p] / (double) row;
                double x = LEFT + p * CELL, y = TOP + t * CELL;
                svg.rect(x, y, CELL, CELL, "stroke:#fff;stroke-width:1;fill:" + shade(share));
                String ink = share > 0.55 ? "cell-dark" : "cell";
                svg.text(x + CELL / 2.0, y + CELL / 2.0 + 1, "middle", ink, Integer.toString(confusion[t][p]));
                svg.text(x + CELL / 2.0, y + CELL / 2.0 + 15, "middle", ink + " small",
                        row == 0 ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * share));
            }
        }
        svg.rect(LEFT, TOP, k * CELL, k * CELL, "fill:none;stroke:#999");
        return svg.render(title);
    }

    /** White to the palette's blue (#0072B2) by {@code share} in [0, 1]. */
    static String shade(double share) {
        double s = Math.max(0, Math.min(1, share));
        int r = (int) Math.round(255 + s * (0x00 - 255)), g = (int) Math.round(255 + s * (0x72 - 255)),
                b = (int) Math.round(255 + s * (0xB2 - 255));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }
}
