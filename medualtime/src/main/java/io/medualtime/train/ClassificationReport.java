package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Single-label multi-class metrics, computed from a confusion matrix: accuracy, per-class and macro / weighted
 * precision, recall and F1, support. Immutable.
 *
 * <h2>Conventions (those of scikit-learn, {@code zero_division=0})</h2>
 * <ul>
 *   <li>precision_c = tp / (tp + fp), and 0 when class c is never predicted;</li>
 *   <li>recall_c = tp / (tp + fn), and 0 when class c never occurs in the truth (support 0);</li>
 *   <li>F1_c = 2 tp / (2 tp + fp + fn) (= 2PR / (P + R) where both are defined), and 0 when that is 0/0;</li>
 *   <li>the macro average is the unweighted mean over the classes that occur in the truth <em>or</em> in the
 *       predictions, which is what {@code sklearn.metrics.precision_recall_fscore_support(average="macro")}
 *       does when no {@code labels=} are given (the official MedualTime code calls it that way). A class of the
 *       fixed class list that occurs in neither is listed with support 0 but does not drag the macro average
 *       down; {@link #macroClasses()} says how many classes were averaged. On PTB-XL test folds every class
 *       occurs, so this equals the mean over all classes;</li>
 *   <li>the weighted average weights each class by its support;</li>
 *   <li>{@link #confusion()} is indexed {@code [true][predicted]}.</li>
 * </ul>
 *
 * <p>JSON ({@link #toJson()}, or as a field of {@link MetricsFile}) carries the class names and the confusion
 * matrix, from which everything is recomputed on read, plus every derived number for readers in other languages.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"n", "accuracy", "macroPrecision", "macroRecall", "macroF1", "macroClasses",
        "weightedPrecision", "weightedRecall", "weightedF1", "perClass", "classNames", "confusion"})
public final class ClassificationReport {

    /** One row of the per-class table. */
    public record ClassStats(String name, double precision, double recall, double f1, int support, int predicted) {}

    private final List<String> classNames;
    private final int[][] confusion;
    private final int n;
    private final int correct;
    private final double[] precision, recall, f1;
    private final int[] support, predictedCount;
    private final double macroP, macroR, macroF1, weightedP, weightedR, weightedF1;
    private final int macroClasses;

    /**
     * Builds the report from a confusion matrix {@code [true][predicted]} of non-negative counts.
     *
     * @throws IllegalArgumentException if the matrix is not square, does not match {@code classNames}, or holds a
     *                                  negative count
     */
    @JsonCreator public ClassificationReport(@JsonProperty("classNames") List<String> classNames,
            @JsonProperty("confusion") int[][] confusion) {
        if (classNames == null || confusion == null) throw new IllegalArgumentException("classNames and confusion are required");
        int k = classNames.size();
        if (k == 0) throw new IllegalArgumentException("no classes");
        if (confusion.length != k) throw new IllegalArgumentException("confusion has " + confusion.length + " rows for " + k + " classes");
        this.classNames = List.copyOf(classNames);
        this.confusion = new int[k][];
        for (int i = 0; i < k; i++) {
            if (confusion[i] == null || confusion[i].length != k)
                throw new IllegalArgumentException("confusion row " + i + " must have " + k + " entries");
            for (int v : confusion[i]) if (v < 0) throw new IllegalArgumentException("negative count in confusion row " + i);
            this.confusion[i] = confusion[i].clone();
        }
        support = new int[k];
        predictedCount = new int[k];
        int total = 0, diag = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                int c = this.confusion[t][p];
                support[t] += c;
                predictedCount[p] += c;
                total += c;
            }
            diag += this.confusion[t][t];
        }
        n = total;
        correct = diag;
        precision = new double[k];
        recall = new double[k];
        f1 = new double[k];
        double sp = 0, sr = 0, sf = 0, wp = 0, wr = 0, wf = 0;
        int used = 0;
        for (int c = 0; c < k; c++) {
            int tp = this.confusion[c][c];
            int fp = predictedCount[c] - tp;
            int fn = support[c] - tp;
            precision[c] = safeDiv(tp, tp + fp);
            recall[c] = safeDiv(tp, tp + fn);
            f1[c] = safeDiv(2.0 * tp, 2.0 * tp + fp + fn);
            if (support[c] > 0 || predictedCount[c] > 0) {
                used++;
                sp += precision[c];
                sr += recall[c];
                sf += f1[c];
            }
            wp += support[c] * precision[c];
            wr += support[c] * recall[c];
            wf += support[c] * f1[c];
        }
        macroClasses = used;
        macroP = safeDiv(sp, used);
        macroR = safeDiv(sr, used);
        macroF1 = safeDiv(sf, used);
        weightedP = safeDiv(wp, n);
        weightedR = safeDiv(wr, n);
        weightedF1 = safeDiv(wf, n);
    }

    /**
     * Computes the report from true and predicted class ids in {@code [0, classNames.size())}.
     *
     * @throws IllegalArgumentException on different lengths or an id out of range
     */
    public static ClassificationReport of(int[] truth, int[] predicted, List<String> classNames) {
        return new ClassificationReport(classNames, confusionMatrix(truth, predicted, classNames.size()));
    }

    /** Confusion counts {@code [true][predicted]}; validates lengths and ranges. */
    public static int[][] confusionMatrix(int[] truth, int[] predicted, int numClasses) {
        if (truth.length != predicted.length)
            throw new IllegalArgumentException("truth has " + truth.length + " labels, predicted " + predicted.length);
        int[][] m = new int[numClasses][numClasses];
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i], p = predicted[i];
            if (t < 0 || t >= numClasses)
                throw new IllegalArgumentException("true label " + t + " at " + i + " out of [0, " + numClasses + ")");
            if (p < 0 || p >= numClasses)
                throw new IllegalArgumentException("predicted label " + p + " at " + i + " out of [0, " + numClasses + ")");
            m[t][p]++;
        }
        return m;
    }

    static double safeDiv(double num, double den) { return den == 0 ? 0.0 : num / den; }

    // ---- accessors (the JSON names are the method names) ----

    @JsonProperty("classNames") public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    @JsonProperty(value = "n", access = JsonProperty.Access.READ_ONLY) public int n() { return n; }
    /** Fraction of correct predictions; 0 for an empty report. */
    @JsonProperty(value = "accuracy", access = JsonProperty.Access.READ_ONLY) public double accuracy() {
        return safeDiv(correct, n);
    }
    @JsonProperty(value = "macroPrecision", access = JsonProperty.Access.READ_ONLY) public double macroPrecision() { return macroP; }
    @JsonProperty(value = "macroRecall", access = JsonProperty.Access.READ_ONLY) public double macroRecall() { return macroR; }
    @JsonProperty(value = "macroF1", access = JsonProperty.Access.READ_ONLY) public double macroF1() { return macroF1; }
    /** How many classes the macro averages are over (those in the truth or the predictions). */
    @JsonProperty(value = "macroClasses", access = JsonProperty.Access.READ_ONLY) public int macroClasses() {
        return macroClasses;
    }
    @JsonProperty(value = "weightedPrecision", access = JsonProperty.Access.READ_ONLY) public double weightedPrecision() {
        return weightedP;
    }
    @JsonProperty(value = "weightedRecall", access = JsonProperty.Access.READ_ONLY) public double weightedRecall() { return weightedR; }
    @JsonProperty(value = "weightedF1", access = JsonProperty.Access.READ_ONLY) public double weightedF1() { return weightedF1; }

    public double precision(int c) { return precision[c]; }
    public double recall(int c) { return recall[c]; }
    public double f1(int c) { return f1[c]; }
    /** Number of samples whose true class is {@code c}. */
    public int support(int c) { return support[c]; }
    /** Number of samples predicted as {@code c}. */
    public int predictedCount(int c) { return predictedCount[c]; }

    /** A copy of the confusion matrix, {@code [true][predicted]}. */
    @JsonProperty("confusion") public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < copy.length; i++) copy[i] = confusion[i].clone();
        return copy;
    }

    @JsonProperty(value = "perClass", access = JsonProperty.Access.READ_ONLY) public List<ClassStats> perClass() {
        List<ClassStats> rows = new ArrayList<>(classNames.size());
        for (int c = 0; c < classNames.size(); c++)
            rows.add(new ClassStats(classNames.get(c), precision[c], recall[c], f1[c], support[c], predictedCount[c]));
        return rows;
    }

    /** Pretty-printed JSON (see the class comment); {@link #fromJson} reads it back. */
    public String toJson() {
        return MetricsJson.write(this);
    }

    public static ClassificationReport fromJson(String json) { return MetricsJson.read(json, ClassificationReport.class); }

    /**
     * An aligned text rendering in the style of sklearn's {@code classification_report}, followed by the
     * confusion matrix (rows = true class, columns = predicted class).
     */
    public String toText() {
        int nameW = "weighted avg".length();
        for (String s : classNames) nameW = Math.max(nameW, s.length());
        int supW = Math.max("support".length(), Integer.toString(n).length());
        StringBuilder sb = new StringBuilder();
        String rowFmt = "%-" + nameW + "s  %9s  %9s  %9s  %" + supW + "s%n";
        sb.append(String.format(Locale.ROOT, rowFmt, "", "precision", "recall", "f1-score", "support"));
        for (int c = 0; c < classNames.size(); c++)
            sb.append(String.format(Locale.ROOT, rowFmt, classNames.get(c), f4(precision[c]), f4(recall[c]), f4(f1[c]), support[c]));
        sb.append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, rowFmt, "accuracy", "", "", f4(accuracy()), n));
        sb.append(String.format(Locale.ROOT, rowFmt, "macro avg", f4(macroP), f4(macroR), f4(macroF1), n));
        sb.append(String.format(Locale.ROOT, rowFmt, "weighted avg", f4(weightedP), f4(weightedR), f4(weightedF1), n));
        if (macroClasses < classNames.size())
            sb.append("(macro averages over the ").append(macroClasses).append(" of ").append(classNames.size())
                    .append(" classes that occur in the truth or the predictions)").append(System.lineSeparator());
        sb.append(System.lineSeparator()).append("confusion matrix (rows: true, columns: predicted)").append(System.lineSeparator());
        int cellW = Integer.toString(n).length();
        for (String s : classNames) cellW = Math.max(cellW, s.length());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-" + nameW + "s", ""));
        for (String s : classNames) head.append("  ").append(String.format(Locale.ROOT, "%" + cellW + "s", s));
        sb.append(head.toString().stripTrailing()).append(System.lineSeparator());
        for (int t = 0; t < classNames.size(); t++) {
            sb.append(String.format(Locale.ROOT, "%-" + nameW + "s", classNames.get(t)));
            for (int p = 0; p < classNames.size(); p++)
                sb.append("  ").append(String.format(Locale.ROOT, "%" + cellW + "d", confusion[t][p]));
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    @Override public String toString() {
        return String.format(Locale.ROOT, "ClassificationReport[n=%d, accuracy=%.4f, macroP=%.4f, macroR=%.4f, macroF1=%.4f]",
                n, accuracy(), macroP, macroR, macroF1);
    }

    /** Equal when the class names and confusion matrices are equal (everything else is derived). */
    @Override public boolean equals(Object o) {
        return o instanceof ClassificationReport r && classNames.equals(r.classNames) && Arrays.deepEquals(confusion, r.confusion);
    }

    @Override public int hashCode() { return 31 * classNames.hashCode() + Arrays.deepHashCode(confusion); }
}
