package io.medualtime.data;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A labelled ECG + report dataset with a fixed class list ({@link EcgClasses}) and three splits.
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

    /** Fine class names (index = label id); always {@link EcgClasses#FINE}. */
    default List<String> classNames() { return EcgClasses.FINE; }

    /** Coarse class names (index = label id); always {@link EcgClasses#COARSE}. */
    default List<String> coarseClassNames() { return EcgClasses.COARSE; }

    /** Number of records over all splits. */
    int size();

    /** Number of records in a split. */
    default int size(Split split) { return indices(split).length; }

    /** Global indices of the records of a split, ascending (a fresh copy). */
    int[] indices(Split split);

    String id(int index);

    Split split(int index);

    /** The fine label id, or {@link #UNLABELLED}. */
    int fineLabel(int index);

    /** The coarse label id, or {@link #UNLABELLED}. */
    default int coarseLabel(int index) {
        int f = fineLabel(index);
        return f == UNLABELLED ? UNLABELLED : EcgClasses.coarseOf(f);
    }

    /** The label of a record without one (both labels empty in records.csv): predict works on it, training and eval refuse it. */
    int UNLABELLED = -1;

    /** Whether the record has a label. */
    default boolean labelled(int index) { return fineLabel(index) != UNLABELLED; }

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
        return new EcgRecord(id(index), split(index), fineLabel(index), report(index), sig);
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

    /** Per-split, per-fine-class counts of the labelled records: {@code [split.ordinal()][fineLabel]}. */
    default int[][] classCounts() {
        int[][] c = new int[Split.values().length][EcgClasses.numFine()];
        for (int i = 0; i < size(); i++) if (labelled(i)) c[split(i).ordinal()][fineLabel(i)]++;
        return c;
    }

    /** One-paragraph human summary; synthetic data is marked SYNTHETIC in the first words. */
    default String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(isSynthetic() ? "SYNTHETIC dataset '" : "dataset '").append(name()).append("': ")
                .append(size()).append(" records, ").append(leads()).append(" leads x ").append(steps())
                .append(" steps @ ").append(String.format(Locale.ROOT, "%g", samplingRate())).append(" Hz\n");
        sb.append("  provenance: ").append(provenance()).append('\n');
        int[][] c = classCounts();
        for (Split s : Split.values()) {
            sb.append(String.format(Locale.ROOT, "  %-5s %6d", s.diskName(), size(s)));
            for (int k = 0; k < EcgClasses.numFine(); k++)
                sb.append(String.format(Locale.ROOT, "  %s=%d", EcgClasses.FINE.get(k), c[s.ordinal()][k]));
            int labelled = java.util.Arrays.stream(c[s.ordinal()]).sum();
            if (labelled < size(s)) sb.append("  unlabelled=").append(size(s) - labelled);
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    default void close() {}
}
