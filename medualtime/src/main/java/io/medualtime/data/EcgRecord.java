package io.medualtime.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One 12-lead (in general multi-lead) ECG with its report and labels.
 *
 * <p>{@code signal[lead][step]} is in millivolts. {@link #labels()} holds one label id per label column of the
 * dataset ({@link DatasetInfo#labels()}), or {@link Dataset#UNLABELLED} in every column for a record without labels;
 * the dataset checks the ids against its classes. The signal array is not copied: treat it as read-only once it is
 * in a record.
 */
public final class EcgRecord {
    private final String id;
    private final Split split;
    private final int[] labels;
    private final String report;
    private final float[][] signal;

    /** A record of the PTB-XL labelling: its fine label, the coarse one derived by {@link EcgClasses#coarseOf(int)}. */
    public EcgRecord(String id, Split split, int fineLabel, String report, float[][] signal) {
        this(id, split, new int[]{checkedFine(fineLabel), EcgClasses.coarseOf(fineLabel)}, report, signal);
    }

    /**
     * A record with one label id per label column (all {@link Dataset#UNLABELLED} for none).
     *
     * @throws IllegalArgumentException some but not all labels missing, a negative id, an empty id or ragged leads
     */
    public EcgRecord(String id, Split split, int[] labels, String report, float[][] signal) {
        this.id = Objects.requireNonNull(id, "id");
        if (id.isEmpty()) throw new IllegalArgumentException("record id is empty");
        this.split = Objects.requireNonNull(split, "split");
        this.labels = labels.clone();
        if (this.labels.length == 0) throw new IllegalArgumentException("record " + id + ": no label columns");
        boolean none = this.labels[0] == Dataset.UNLABELLED;
        for (int y : this.labels)
            if ((y == Dataset.UNLABELLED) != none || (y < 0 && y != Dataset.UNLABELLED))
                throw new IllegalArgumentException("record " + id + ": labels " + Arrays.toString(labels)
                        + " (each >= 0, or all " + Dataset.UNLABELLED + " for an unlabelled record)");
        this.report = Objects.requireNonNull(report, "report");
        this.signal = Objects.requireNonNull(signal, "signal");
        if (signal.length == 0) throw new IllegalArgumentException("record " + id + ": signal has no leads");
        int t = signal[0].length;
        for (int l = 0; l < signal.length; l++)
            if (signal[l] == null || signal[l].length != t)
                throw new IllegalArgumentException("record " + id + ": lead " + l + " has "
                        + (signal[l] == null ? "no" : signal[l].length) + " steps, lead 0 has " + t);
    }

    private static int checkedFine(int fine) {
        EcgClasses.checkFine(fine);
        return fine;
    }

    public String id() { return id; }
    public Split split() { return split; }
    /** The label ids, one per label column (a copy). */
    public int[] labels() { return labels.clone(); }
    /** The label id of a column, or {@link Dataset#UNLABELLED}. */
    public int label(int column) { return labels[column]; }
    /** The label of the first column (fine, in the PTB-XL labelling). */
    public int fineLabel() { return labels[0]; }
    /** The label of the second column (coarse, in the PTB-XL labelling). */
    public int coarseLabel() { return labels[1]; }
    public String report() { return report; }
    /** {@code [leads][steps]} in mV (not copied). */
    public float[][] signal() { return signal; }
    public int leads() { return signal.length; }
    public int steps() { return signal[0].length; }

    @Override public String toString() {
        return "EcgRecord{" + id + ", " + split.diskName() + ", labels " + Arrays.toString(labels) + ", " + leads() + "x" + steps()
                + ", report=\"" + report + "\"}";
    }
}
