package io.medualtime.data;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that a dataset can be trained and evaluated on, made before the first epoch so that bad data
 * fails a run in seconds instead of after all training. What {@link DiskDataset#open} checks (fields,
 * rows, labels, sizes) is not repeated here; these are the checks that need the records themselves.
 */
public final class DataChecks {
    private DataChecks() {}

    /**
     * Requires that the dataset has records, that each of {@code splits} has at least one, and that every
     * signal value of the records in those splits is finite. Signals are streamed one record at a time in
     * storage order (sequential reads, one buffer).
     *
     * @throws EcgDataException (one line) naming the file or dataset, the split and, for a bad value, the
     *                          record index and id, lead and step
     */
    public static void requireUsable(Dataset data, Set<Split> splits) throws EcgDataException {
        Path csv = file(data, DatasetWriter.CSV);
        String name = csv == null ? "dataset '" + data.name() + "'" : null;
        if (data.size() == 0) throw new EcgDataException(csv, name, "the dataset has no records");
        EnumSet<Split> used = ordered(splits);
        for (Split s : used)
            if (data.size(s) == 0)
                throw new EcgDataException(csv, name, "the " + s.diskName() + " split is empty ("
                        + sizes(data, EnumSet.allOf(Split.class)) + "); every split a run uses needs at least one record");
        for (int i = 0; i < data.size(); i++)
            if (used.contains(data.split(i)) && !data.labelled(i))
                throw new EcgDataException(csv, name == null ? "record '" + data.id(i) + "'" : name + ", record '" + data.id(i) + "'",
                        "has no label (fine_label and coarse_label empty): a run needs labels on every record of the splits it uses; predict works without");
        Path signals = file(data, DatasetWriter.SIGNALS);
        float[] buf = new float[data.leads() * data.steps()];
        for (int i = 0; i < data.size(); i++) {
            if (!used.contains(data.split(i))) continue;
            data.readSignal(i, buf, 0);
            requireFinite(data, signals, i, buf, 0);
        }
    }

    /** What {@link #requireUsable} checked, in one line (for {@code data info --verify}). */
    public static String describe(Dataset data, Set<Split> splits) {
        long records = 0;
        for (Split s : ordered(splits)) records += data.size(s);
        long values = records * data.leads() * data.steps();
        return String.format(Locale.ROOT, "verified %d records (%s): every split non-empty and labelled; all %,d signal values "
                + "(%d leads x %d steps per record) read and finite; on open: dataset.json fields, records.csv "
                + "rows (unique ids, known labels, coarse matching fine), counts and the size of %s",
                records, sizes(data, ordered(splits)), values, data.leads(), data.steps(), DatasetWriter.SIGNALS);
    }

    /**
     * Requires the {@code leads x steps} values of record {@code index} at {@code v[offset..]} to be finite.
     *
     * @param file the signals file, or null for a dataset in memory
     */
    static void requireFinite(Dataset data, Path file, int index, float[] v, int offset) {
        int count = data.leads() * data.steps();
        for (int i = 0; i < count; i++) {
            float x = v[offset + i];
            if (Float.isFinite(x)) continue;
            throw new EcgDataException(file, (file == null ? "dataset '" + data.name() + "', " : "") + "record " + index
                    + " (id " + data.id(index) + ", split " + data.split(index).diskName() + "), lead "
                    + data.leadNames().get(i / data.steps()) + ", step " + (i % data.steps()), "non-finite value " + x);
        }
    }

    private static EnumSet<Split> ordered(Set<Split> splits) {
        return splits.isEmpty() ? EnumSet.noneOf(Split.class) : EnumSet.copyOf(splits);
    }

    private static String sizes(Dataset data, Set<Split> splits) {
        StringBuilder sb = new StringBuilder();
        for (Split s : splits) sb.append(sb.length() > 0 ? ", " : "").append(s.diskName()).append(' ').append(data.size(s));
        return sb.toString();
    }

    /** A file of the dataset's folder, or null for a dataset that is not on disk. */
    private static Path file(Dataset data, String name) {
        return data instanceof DiskDataset d ? d.folder().resolve(name) : null;
    }
}
