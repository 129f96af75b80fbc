package io.medualtime.data;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * An ECG + report dataset with three splits and the label columns it declares ({@link #labelColumns()}; the PTB-XL
 * labelling of {@link EcgClasses} unless declared otherwise).
 *
 * <p>Records are addressed by a global index {@code 0..size()-1} (storage order). Metadata (ids,
 * labels, reports, splits) is cheap; {@link #get(int)} / {@link #readSignal(int, float[], int)} may
 * read the signal from disk lazily. Implementations are safe for concurrent reads.
 */
public interface Dataset extends AutoCloseable {

    DatasetInfo info();

    default String name() { return info().name(); }

    /** Where the data comes from; synthetic data says SYNTHETIC. */
    default String provenance() { return info().provenance(); }

    default boolean isSynthetic() { return info().synthetic(); }

    default int leads() { return info().leads(); }

    default List<String> leadNames() { return info().leadNames(); }

    default int steps() { return info().steps(); }

    default double samplingRate() { return info().samplingRate(); }

    /** The label columns (records.csv order): each record carries one class of each, or no label at all. */
    default List<LabelColumn> labelColumns() {
        return info().labels();
    }

    /**
     * The index of the label column {@code name}.
     *
     * @throws IllegalArgumentException one line naming the dataset and its columns, if it has no such column
     */
    default int labelColumn(String name) {
        int c = info().labelColumn(name);
        if (c < 0) {
            List<String> names = labelColumns().stream().map(LabelColumn::name).toList();
            throw new IllegalArgumentException("dataset '" + name() + "' has no label column '" + name + "' (its columns: "
                    + String.join(", ", names) + ")");
        }
        return c;
    }

    /** Class names of the column {@code fine} (index = label id). */
    default List<String> classNames() {
        return labelColumns().get(labelColumn(EcgClasses.FINE_COLUMN)).classes();
    }

    /** Class names of the column {@code coarse} (index = label id). */
    default List<String> coarseClassNames() {
        return labelColumns().get(labelColumn(EcgClasses.COARSE_COLUMN)).classes();
    }

    /** Number of records over all splits. */
    int size();

    /** Number of records in a split. */
    default int size(Split split) { return indices(split).length; }

    /** Global indices of the records of a split, ascending (a fresh copy). */
    int[] indices(Split split);

    String id(int index);

    Split split(int index);

    /** The label id of a record in a label column (index into {@link #labelColumns()}), or {@link #UNLABELLED}. */
    int label(int column, int index);

    /** The label id in the column {@code fine}, or {@link #UNLABELLED}. */
    default int fineLabel(int index) {
        return label(labelColumn(EcgClasses.FINE_COLUMN), index);
    }

    /** The label id in the column {@code coarse}, or {@link #UNLABELLED}. */
    default int coarseLabel(int index) {
        return label(labelColumn(EcgClasses.COARSE_COLUMN), index);
    }

    /** The label of a record without one (all labels empty in records.csv): predict works on it, training and eval refuse it. */
    int UNLABELLED = -1;

    /** Whether the record has labels (a record has a label in every column or in none). */
    default boolean labelled(int index) {
        return label(0, index) != UNLABELLED;
    }

    String report(int index);

    /**
     * Copies the signal of a record, lead-major ({@code [lead * steps + t]}), into {@code dst} at
     * {@code offset} (for batching without allocation).
     *
     * @throws EcgDataException if the stored signal is bad (e.g. non-finite), naming file and record
     * @throws java.io.UncheckedIOException on I/O errors
     */
    void readSignal(int index, float[] dst, int offset);

    /** The full record (reads its signal). */
    default EcgRecord get(int index) {
        int l = leads(), t = steps();
        float[] flat = new float[l * t];
        readSignal(index, flat, 0);
        float[][] sig = new float[l][t];
        for (int i = 0; i < l; i++) System.arraycopy(flat, i * t, sig[i], 0, t);
        int[] y = new int[labelColumns().size()];
        for (int c = 0; c < y.length; c++) y[c] = label(c, index);
        return new EcgRecord(id(index), split(index), y, report(index), sig);
    }

    /** Streams the records of a split in storage order, reading one signal at a time. */
    default Iterator<EcgRecord> iterator(Split split) {
        int[] idx = indices(split);
        return new Iterator<>() {
            int pos = 0;

            @Override public boolean hasNext() { return pos < idx.length; }

            @Override public EcgRecord next() {
                if (pos >= idx.length) throw new NoSuchElementException();
                return get(idx[pos++]);
            }
        };
    }

    /** For-each view of {@link #iterator(Split)}. */
    default Iterable<EcgRecord> records(Split split) {
        return () -> iterator(split);
    }

    /** Per-split, per-class counts of the labelled records in the first label column: {@code [split.ordinal()][label]}. */
    default int[][] classCounts() {
        return classCounts(0);
    }

    /** Per-split, per-class counts of the labelled records in a label column: {@code [split.ordinal()][label]}. */
    default int[][] classCounts(int column) {
        int[][] c = new int[Split.values().length][labelColumns().get(column).size()];
        for (int i = 0; i < size(); i++) if (labelled(i)) c[split(i).ordinal()][label(column, i)]++;
        return c;
    }

    /** One-paragraph human summary; synthetic data is marked SYNTHETIC in the first words. */
    default String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(isSynthetic() ? "SYNTHETIC dataset '" : "dataset '").append(name()).append("': ")
                .append(size()).append(" records, ").append(leads()).append(" leads x ").append(steps())
                .append(" steps @ ").append(String.format(Locale.ROOT, "%g", samplingRate())).append(" Hz\n");
        sb.append("  provenance: ").append(provenance()).append('\n');
        List<LabelColumn> cols = labelColumns();
        if (!info().ptbXlLabelling()) {
            sb.append("  labels:");
            for (LabelColumn l : cols)
                sb.append(' ').append(l.name()).append(" (").append(l.size()).append(l.derived() ? " classes, derived)" : " classes)");
            sb.append('\n');
        }
        int[][] c = classCounts();
        for (Split s : Split.values()) {
            sb.append(String.format(Locale.ROOT, "  %-5s %6d", s.diskName(), size(s)));
            for (int k = 0; k < cols.get(0).size(); k++)
                sb.append(String.format(Locale.ROOT, "  %s=%d", cols.get(0).classes().get(k), c[s.ordinal()][k]));
            int labelled = java.util.Arrays.stream(c[s.ordinal()]).sum();
            if (labelled < size(s)) sb.append("  unlabelled=").append(size(s) - labelled);
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override default void close() {}
}
