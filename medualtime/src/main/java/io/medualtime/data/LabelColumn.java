package io.medualtime.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One label column a dataset declares: its name (e.g. {@code fine}, {@code coarse}, {@code rhythm}) and its class
 * names, index = label id. Every record carries one class per column (or none at all: unlabelled).
 *
 * @param name    the column's name: letters, digits, {@code _} or {@code -}; in records.csv its field is {@code <name>_label}
 * @param classes the class names, index = label id (1..{@link #MAX_CLASSES}, distinct, non-blank, no line breaks)
 * @param source  where the labels come from, one line (free text, may be empty)
 * @param derived true when the column is computed from another column by this project rather than read from the data
 *                (only the coarse column of {@link EcgClasses#PTBXL_LABELS}); training on it warns
 */
public record LabelColumn(String name, List<String> classes, String source, boolean derived) {
    /** Classes per column. */
    public static final int MAX_CLASSES = 10_000;
    /** Label columns per dataset. */
    public static final int MAX_COLUMNS = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public LabelColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (!NAME.matcher(name).matches())
            throw new IllegalArgumentException("label column name '" + name + "' must be 1..64 letters, digits, '_' or '-'");
        classes = List.copyOf(classes);
        if (classes.isEmpty() || classes.size() > MAX_CLASSES)
            throw new IllegalArgumentException("label column '" + name + "' needs 1.." + MAX_CLASSES + " classes, got " + classes.size());
        Set<String> seen = new HashSet<>();
        for (String c : classes) {
            if (c.isBlank() || !c.strip().equals(c) || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0)
                throw new IllegalArgumentException("label column '" + name + "': class name '" + c
                        + "' is blank, has surrounding spaces or a line break");
            if (!seen.add(c)) throw new IllegalArgumentException("label column '" + name + "': class '" + c + "' is repeated");
        }
        if (source.indexOf('\n') >= 0) throw new IllegalArgumentException("label column '" + name + "': source has a line break");
    }

    /** A column read from the data. */
    public LabelColumn(String name, List<String> classes, String source) {
        this(name, classes, source, false);
    }

    /** The field of this column in records.csv. */
    public String csvField() { return name + "_label"; }

    /** The label id of a class name, or -1. */
    public int indexOf(String className) { return classes.indexOf(className); }

    public int size() { return classes.size(); }

    /** Checks the columns of one dataset: 1..{@link #MAX_COLUMNS}, distinct names. */
    static List<LabelColumn> checkAll(List<LabelColumn> columns) {
        List<LabelColumn> c = List.copyOf(columns);
        if (c.isEmpty() || c.size() > MAX_COLUMNS)
            throw new IllegalArgumentException("a dataset needs 1.." + MAX_COLUMNS + " label columns, got " + c.size());
        Set<String> names = new HashSet<>();
        for (LabelColumn l : c)
            if (!names.add(l.name())) throw new IllegalArgumentException("label column '" + l.name() + "' is declared twice");
        return c;
    }
}
