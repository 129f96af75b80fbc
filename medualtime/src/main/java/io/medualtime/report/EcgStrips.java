package io.medualtime.report;

import java.util.Arrays;
import java.util.List;

/**
 * A multi-lead ECG drawn as strips on ECG-paper proportions (25 mm/s, 10 mm/mV; grid every 0.2 s and 0.5 mV):
 * twelve leads in two columns of six (limb leads, then chest leads), each strip the whole record, centred on the
 * lead's median and clipped to its row. Long records are reduced to a min/max pair per pixel column so that
 * spikes survive.
 */
final class EcgStrips {
    private static final int COLUMN = 500, LABEL = 34, GAP = 14;
    private static final double ROW_MV = 3.2;

    private EcgStrips() {}

    static String render(float[][] signal, List<String> leadNames, double hz, String title) {
        int leads = signal.length, steps = signal[0].length;
        int cols = leads > 6 ? 2 : 1, rows = (leads + cols - 1) / cols;
        double seconds = steps / hz, pxPerSec = COLUMN / seconds, pxPerMv = pxPerSec * 0.4;
        double rowH = ROW_MV * pxPerMv;
        int width = cols * (LABEL + COLUMN) + (cols - 1) * GAP, height = (int) Math.ceil(rows * rowH) + 2;
        Svg svg = new Svg(width, height);
        for (int c = 0; c < cols; c++) {
            double x0 = c * (LABEL + COLUMN + GAP) + LABEL;
            svg.rect(x0, 0, COLUMN, rows * rowH, "fill:#fff8f8;stroke:#e8b4b4");
            for (double t = 0.2; t < seconds - 1e-9; t += 0.2)
                svg.line(x0 + t * pxPerSec, 0, x0 + t * pxPerSec, rows * rowH,
                        Math.abs(t - Math.rint(t)) < 1e-6 ? "stroke:#eab8b8" : "stroke:#f6dede");
            for (double v = 0.5; v < rows * ROW_MV - 1e-9; v += 0.5)
                svg.line(x0, v * pxPerMv, x0 + COLUMN, v * pxPerMv, "stroke:#f6dede");
        }
        for (int l = 0; l < leads; l++) {
            int c = l / rows, r = l % rows;
            double x0 = c * (LABEL + COLUMN + GAP) + LABEL, top = r * rowH, mid = top + rowH / 2;
            svg.text(x0 - 6, mid + 4, "end", "lead", l < leadNames.size() ? leadNames.get(l) : "lead " + (l + 1));
            if (r > 0) svg.line(x0, top, x0 + COLUMN, top, "stroke:#e8b4b4");
            float[] s = signal[l];
            double base = median(s), lim = rowH / 2 - 1;
            double[][] pts = decimate(s, COLUMN);
            double[] xs = new double[pts[0].length], ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = x0 + pts[0][i] / hz * pxPerSec;
                double dy = (pts[1][i] - base) * pxPerMv;
                ys[i] = mid - (Double.isFinite(dy) ? Math.max(-lim, Math.min(lim, dy)) : 0);
            }
            svg.polyline(xs, ys, "stroke:#111;stroke-width:1;stroke-linejoin:round");
        }
        return svg.render(title);
    }

    /** Sample positions and values: all of them when short, else the min and max of each of {@code columns} buckets in time order. */
    static double[][] decimate(float[] s, int columns) {
        int n = s.length;
        if (n <= 2 * columns) {
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) { x[i] = i; y[i] = s[i]; }
            return new double[][]{x, y};
        }
        double[] x = new double[2 * columns], y = new double[2 * columns];
        for (int b = 0; b < columns; b++) {
            int from = (int) ((long) b * n / columns), to = (int) ((long) (b + 1) * n / columns);
            int lo = from, hi = from;
            for (int i = from; i < to; i++) {
                if (s[i] < s[lo]) lo = i;
                if (s[i] > s[hi]) hi = i;
            }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            x[2 * b] = first;
            y[2 * b] = s[first];
            x[2 * b + 1] = second;
            y[2 * b + 1] = s[second];
        }
        return new double[][]{x, y};
    }

    private static double median(float[] s) {
        float[] c = s.clone();
        Arrays.sort(c);
        return c.length == 0 ? 0 : c[c.length / 2];
    }
}
