package io.medualtime.train;

import io.medualtime.data.Dataset;
import io.medualtime.data.EcgClasses;
import io.medualtime.data.LabelColumn;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which label column of the dataset a run learns ({@link Dataset#labelColumns()}): {@code fine} and {@code coarse} are
 * the conventional names (the PTB-XL labelling and the authors' {@code Y} / {@code sl_Y} converted by
 * {@code tools/convert_pkl.py}); any other declared column can be named.
 */
public final class LabelKind {
    /** The column {@code fine} (5 PTB-XL superclasses, the authors' {@code Y}). */
    public static final LabelKind FINE = new LabelKind(EcgClasses.FINE_COLUMN);
    /** The column {@code coarse} (this project's 4-group PTB-XL grouping, or the authors' {@code sl_Y}). */
    public static final LabelKind COARSE = new LabelKind(EcgClasses.COARSE_COLUMN);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String column;

    private LabelKind(String column) { this.column = column; }

    /** The column's name. */
    public String column() { return column; }

    /** The column's class list (index = label id), the same in every split (the official code re-encodes per split; we do not). */
    public List<String> classNames(Dataset d) {
        return d.labelColumns().get(d.labelColumn(column)).classes();
    }

    /** The record's label id; a record without a label is an error naming it. */
    public int label(Dataset d, int index) {
        int y = labelOrUnlabelled(d, index);
        if (y == Dataset.UNLABELLED)
            throw new IllegalStateException(
                    "record '" + d.id(index) + "' of " + d.name() + " has no label; this needs labelled records (predict works without)");
        return y;
    }

    /** The record's label id, or {@link Dataset#UNLABELLED}. */
    public int labelOrUnlabelled(Dataset d, int index) {
        return d.label(d.labelColumn(column), index);
    }

    public int[] labels(Dataset d, int[] indices) {
        int c = d.labelColumn(column);
        int[] y = new int[indices.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = d.label(c, indices[i]);
            if (y[i] == Dataset.UNLABELLED) label(d, indices[i]);   // the error naming the record
        }
        return y;
    }

    /**
     * A one-line warning when this column is derived by this project from another one (the PTB-XL coarse grouping)
     * rather than read from the data, else null.
     */
    public String derivedWarning(Dataset d) {
        LabelColumn c = d.labelColumns().get(d.labelColumn(column));
        if (!c.derived()) return null;
        return "[warn] the '" + column + "' label of " + d.name() + " is not read from the data: it is " + c.source()
                + "; the paper's 4-class labels (the authors' sl_Y) may differ: convert their files with tools/convert_pkl.py";
    }

    /** The official ExponentialLR gamma of the supervised protocol: 0.5 for the 5-class task, 0.85 for the 4-class one (and any other column). */
    public double defaultGamma() {
        return this == FINE ? 0.5 : 0.85;
    }

    /**
     * The name recorded in run.json and metrics.json: {@code fine}, {@code coarse}, or {@code column:NAME} for another
     * column (so that a mistyped label in a run.json stays an error, see {@link #parseRecorded(String)}).
     */
    public String cliName() { return this.equals(FINE) || this.equals(COARSE) ? column : COLUMN_PREFIX + column; }

    private static final String COLUMN_PREFIX = "column:";

    /** A {@code --label} value: {@code fine} (also {@code 5}, {@code superclass}), {@code coarse} (also {@code 4}), or a label column's name. */
    public static LabelKind parse(String s) {
        if (s == null) throw new IllegalArgumentException("the label is missing (expected fine, coarse or a label column's name)");
        LabelKind k = conventional(s);
        if (k != null) return k;
        String name = s.startsWith(COLUMN_PREFIX) ? s.substring(COLUMN_PREFIX.length()) : s;
        if (!NAME.matcher(name).matches())
            throw new IllegalArgumentException("unknown label '" + s + "' (expected fine, coarse or a label column's name)");
        return conventional(name) != null ? conventional(name) : new LabelKind(name);
    }

    /** A label as {@link #cliName()} records it: {@code fine}, {@code coarse} (or their aliases) or {@code column:NAME}. */
    public static LabelKind parseRecorded(String s) {
        if (s != null && conventional(s) == null && !s.startsWith(COLUMN_PREFIX))
            throw new IllegalArgumentException("unknown label '" + s + "' (expected fine, coarse or " + COLUMN_PREFIX + "NAME)");
        return parse(s);
    }

    private static LabelKind conventional(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fine", "5", "superclass" -> FINE;
            case "coarse", "4" -> COARSE;
            default -> null;
        };
    }

    @Override public boolean equals(Object o) { return o instanceof LabelKind k && k.column.equals(column); }

    @Override public int hashCode() { return Objects.hash(column); }

    @Override public String toString() { return column; }
}
