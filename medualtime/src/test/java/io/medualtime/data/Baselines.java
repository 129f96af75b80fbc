package io.medualtime.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Simple test-scope classifiers used to check how much each modality of a dataset tells about the
 * label: bag-of-words (unigram + bigram) features of the report, hand-crafted features of the
 * averaged beat of each lead, and multinomial logistic regression (full batch, Adam, L2) on
 * standardised features. Plain Java, deterministic.
 */
final class Baselines {
    private Baselines() {}

    // ------------------------------------------------------------ text

    static List<String> tokens(String report) {
        String[] w = report.toLowerCase(Locale.ROOT).split("[^a-z0-9']+");
        List<String> out = new ArrayList<>();
        String prev = null;
        for (String t : w) {
            if (t.isEmpty()) continue;
            out.add(t);
            if (prev != null) out.add(prev + "_" + t);
            prev = t;
        }
        return out;
    }

    /** Vocabulary of train reports: tokens seen at least minCount times. */
    static Map<String, Integer> vocabulary(List<String> reports, int minCount) {
        Map<String, Integer> count = new HashMap<>();
        for (String r : reports) for (String t : new java.util.HashSet<>(tokens(r))) count.merge(t, 1, Integer::sum);
        List<String> keep = new ArrayList<>();
        for (Map.Entry<String, Integer> e : count.entrySet()) if (e.getValue() >= minCount) keep.add(e.getKey());
        java.util.Collections.sort(keep);
        Map<String, Integer> v = new HashMap<>();
        for (String k : keep) v.put(k, v.size());
        return v;
    }

    static double[] textFeatures(String report, Map<String, Integer> vocab) {
        double[] x = new double[vocab.size()];
        for (String t : tokens(report)) {
            Integer i = vocab.get(t);
            if (i != null) x[i] = 1;
        }
        return x;
    }

    // ------------------------------------------------------------ signal

    /** Hand-crafted features of the average beat of every lead (R-peak aligned), plus rhythm features. */
    static double[] signalFeatures(float[][] sig, double fs) {
        int L = sig.length, T = sig[0].length;
        // detection signal: summed absolute first difference
        double[] e = new double[T];
        for (float[] lead : sig) for (int n = 1; n < T; n++) e[n] += Math.abs(lead[n] - lead[n - 1]);
        double[] sorted = e.clone();
        Arrays.sort(sorted);
        double thr = 0.45 * sorted[(int) (0.98 * (T - 1))];
        int refr = (int) (0.3 * fs);
        List<Integer> peaks = new ArrayList<>();
        for (int n = 1; n < T - 1; n++) {
            if (e[n] < thr || e[n] < e[n - 1] || e[n] < e[n + 1]) continue;
            // move to the local extreme of the strongest-QRS neighbourhood
            if (!peaks.isEmpty() && n - peaks.get(peaks.size() - 1) < refr) {
                int last = peaks.get(peaks.size() - 1);
                if (e[n] > e[last]) peaks.set(peaks.size() - 1, n);
                continue;
            }
            peaks.add(n);
        }
        int pre = (int) Math.round(0.28 * fs), post = (int) Math.round(0.5 * fs);
        int W = pre + post;
        double[][] avg = new double[L][W];
        int used = 0;
        double rrSum = 0, rrSq = 0;
        int rrN = 0;
        for (int k = 0; k < peaks.size(); k++) {
            if (k > 0) {
                double rr = (peaks.get(k) - peaks.get(k - 1)) / fs;
                rrSum += rr;
                rrSq += rr * rr;
                rrN++;
            }
            int c = peaks.get(k);
            if (c - pre < 0 || c + post > T) continue;
            for (int l = 0; l < L; l++) {
                // isoelectric level: PR segment (60..30 ms before the detection point)
                double base = 0;
                int a = c - (int) Math.round(0.07 * fs), b = c - (int) Math.round(0.04 * fs);
                for (int n = a; n <= b; n++) base += sig[l][n];
                base /= (b - a + 1);
                for (int o = 0; o < W; o++) avg[l][o] += sig[l][c - pre + o] - base;
            }
            used++;
        }
        if (used > 0) for (double[] row : avg) for (int o = 0; o < W; o++) row[o] /= used;
        List<Double> f = new ArrayList<>();
        int r0 = pre;
        int ms10 = Math.max(1, (int) Math.round(0.01 * fs));
        for (int l = 0; l < L; l++) {
            double[] b = avg[l];
            f.add(min(b, r0 - 6 * ms10, r0 - ms10));          // Q
            f.add(max(b, r0 - 3 * ms10, r0 + 3 * ms10));      // R
            f.add(min(b, r0, r0 + 7 * ms10));                 // S
            f.add(mean(b, r0 + 8 * ms10, r0 + 12 * ms10));    // ST
            f.add(mean(b, r0 + 15 * ms10, r0 + 40 * ms10));   // T area
            f.add(extreme(b, r0 + 15 * ms10, r0 + 45 * ms10)); // T peak (signed)
            f.add(mean(b, r0 - 25 * ms10, r0 - 8 * ms10));    // P area
        }
        // global QRS width: samples of summed |derivative| of the average beat above 25 % of max
        double[] d = new double[W];
        for (int l = 0; l < L; l++) for (int o = 1; o < W; o++) d[o] += Math.abs(avg[l][o] - avg[l][o - 1]);
        double dm = max(d, 0, W - 1);
        int width = 0;
        for (int o = r0 - 10 * ms10; o <= r0 + 12 * ms10; o++) if (d[o] > 0.25 * dm) width++;
        f.add((double) width);
        // PR: position of the P peak in lead II before R
        double[] ii = avg[Math.min(1, L - 1)];
        int pPos = r0 - 25 * ms10;
        for (int o = r0 - 25 * ms10; o <= r0 - 8 * ms10; o++) if (ii[o] > ii[pPos]) pPos = o;
        f.add((double) (r0 - pPos));
        double rrMean = rrN > 0 ? rrSum / rrN : 1;
        f.add(60 / rrMean);
        f.add(rrN > 1 ? Math.sqrt(Math.max(0, rrSq / rrN - rrMean * rrMean)) : 0);
        double[] out = new double[f.size()];
        for (int i = 0; i < out.length; i++) out[i] = f.get(i);
        return out;
    }

    private static double min(double[] b, int a, int c) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = Math.max(0, a); i <= Math.min(b.length - 1, c); i++) m = Math.min(m, b[i]);
        return m;
    }

    private static double max(double[] b, int a, int c) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = Math.max(0, a); i <= Math.min(b.length - 1, c); i++) m = Math.max(m, b[i]);
        return m;
    }

    private static double mean(double[] b, int a, int c) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, a); i <= Math.min(b.length - 1, c); i++) { s += b[i]; n++; }
        return n == 0 ? 0 : s / n;
    }

    private static double extreme(double[] b, int a, int c) {
        double m = 0;
        for (int i = Math.max(0, a); i <= Math.min(b.length - 1, c); i++) if (Math.abs(b[i]) > Math.abs(m)) m = b[i];
        return m;
    }

    // ------------------------------------------------------------ model

    /** Multinomial logistic regression on standardised features. */
    static final class Softmax {
        final int d, k;
        final double[] mu, sd;
        final double[][] w; // [k][d + 1]

        Softmax(double[][] x, int[] y, int k, double l2, int iters) {
            this.d = x[0].length;
            this.k = k;
            int n = x.length;
            mu = new double[d];
            sd = new double[d];
            for (double[] r : x) for (int j = 0; j < d; j++) mu[j] += r[j] / n;
            for (double[] r : x) for (int j = 0; j < d; j++) sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / n;
            for (int j = 0; j < d; j++) sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
            double[][] z = new double[n][];
            for (int i = 0; i < n; i++) z[i] = standardise(x[i]);
            w = new double[k][d + 1];
            double[][] m = new double[k][d + 1], v = new double[k][d + 1];
            double lr = 0.05, b1 = 0.9, b2 = 0.999;
            double[] p = new double[k];
            for (int it = 1; it <= iters; it++) {
                double[][] g = new double[k][d + 1];
                for (int i = 0; i < n; i++) {
                    probs(z[i], p);
                    for (int c = 0; c < k; c++) {
                        double err = (p[c] - (y[i] == c ? 1 : 0)) / n;
                        if (err == 0) continue;
                        double[] gc = g[c];
                        double[] zi = z[i];
                        for (int j = 0; j < d; j++) gc[j] += err * zi[j];
                        gc[d] += err;
                    }
                }
                double c1 = 1 - Math.pow(b1, it), c2 = 1 - Math.pow(b2, it);
                for (int c = 0; c < k; c++)
                    for (int j = 0; j <= d; j++) {
                        double gj = g[c][j] + (j < d ? l2 * w[c][j] : 0);
                        m[c][j] = b1 * m[c][j] + (1 - b1) * gj;
                        v[c][j] = b2 * v[c][j] + (1 - b2) * gj * gj;
                        w[c][j] -= lr * (m[c][j] / c1) / (Math.sqrt(v[c][j] / c2) + 1e-8);
                    }
            }
        }

        double[] standardise(double[] x) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = (x[j] - mu[j]) / sd[j];
            return z;
        }

        void probs(double[] z, double[] p) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = w[c][d];
                for (int j = 0; j < d; j++) s += w[c][j] * z[j];
                p[c] = s;
                mx = Math.max(mx, s);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) { p[c] = Math.exp(p[c] - mx); sum += p[c]; }
            for (int c = 0; c < k; c++) p[c] /= sum;
        }

        int predict(double[] x) {
            double[] p = new double[k];
            probs(standardise(x), p);
            int best = 0;
            for (int c = 1; c < k; c++) if (p[c] > p[best]) best = c;
            return best;
        }

        double[] probs(double[] x) {
            double[] p = new double[k];
            probs(standardise(x), p);
            return p;
        }

        double accuracy(double[][] x, int[] y) {
            int ok = 0;
            for (int i = 0; i < x.length; i++) if (predict(x[i]) == y[i]) ok++;
            return ok / (double) x.length;
        }
    }

    static int ITERS = 250;

    /**
     * Test-split accuracies (fine labels) of: text-only, signal-only, both by early fusion (one model on
     * concatenated features) and both by late fusion (product of the two single-modality posteriors / prior).
     */
    static double[] modalityAccuracies(Dataset ds, Split trainSplit, Split testSplit) {
        int[] tr = ds.indices(trainSplit), te = ds.indices(testSplit);
        List<String> trReports = new ArrayList<>();
        for (int i : tr) trReports.add(ds.report(i));
        Map<String, Integer> vocab = vocabulary(trReports, 2);
        double[][][] xt = new double[2][][], xs = new double[2][][], xb = new double[2][][];
        int[][] y = new int[2][];
        int[][] idx = {tr, te};
        for (int part = 0; part < 2; part++) {
            int n = idx[part].length;
            xt[part] = new double[n][];
            xs[part] = new double[n][];
            xb[part] = new double[n][];
            y[part] = new int[n];
            for (int a = 0; a < n; a++) {
                EcgRecord r = ds.get(idx[part][a]);
                xt[part][a] = textFeatures(r.report(), vocab);
                xs[part][a] = signalFeatures(r.signal(), ds.samplingRate());
                double[] both = Arrays.copyOf(xt[part][a], xt[part][a].length + xs[part][a].length);
                System.arraycopy(xs[part][a], 0, both, xt[part][a].length, xs[part][a].length);
                xb[part][a] = both;
                y[part][a] = r.fineLabel();
            }
        }
        int k = EcgClasses.numFine();
        Softmax mt = new Softmax(xt[0], y[0], k, 1e-2, ITERS), ms = new Softmax(xs[0], y[0], k, 1e-2, ITERS);
        double text = mt.accuracy(xt[1], y[1]);
        double signal = ms.accuracy(xs[1], y[1]);
        double early = new Softmax(xb[0], y[0], k, 1e-2, ITERS).accuracy(xb[1], y[1]);
        // late fusion: product of the two posteriors divided by the train prior (conditionally independent modalities)
        double[] prior = new double[k];
        for (int c : y[0]) prior[c] += 1.0 / y[0].length;
        int ok = 0;
        for (int a = 0; a < y[1].length; a++) {
            double[] pt = mt.probs(xt[1][a]), ps = ms.probs(xs[1][a]);
            int best = 0;
            double bestS = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double sc = Math.log(pt[c] + 1e-12) + Math.log(ps[c] + 1e-12) - Math.log(prior[c] + 1e-12);
                if (sc > bestS) { bestS = sc; best = c; }
            }
            if (best == y[1][a]) ok++;
        }
        double late = ok / (double) y[1].length;
        return new double[]{text, signal, early, late};
    }
}
