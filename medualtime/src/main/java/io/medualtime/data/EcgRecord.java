package io.medualtime.data;

import java.util.Objects;

/**
 * One 12-lead (in general multi-lead) ECG with its report and labels.
 *
 * <p>{@code signal[lead][step]} is in millivolts. The coarse label is always derived from the fine
 * one through {@link EcgClasses#coarseOf(int)}. The signal array is not copied: treat it as
 * read-only once it is in a record.
 */
public final class EcgRecord {
    private final String id;
    private final Split split;
    private final int fineLabel;
    private final int coarseLabel;
    private final String report;
    private final float[][] signal;

    public EcgRecord(String id, Split split, int fineLabel, String report, float[][] signal) {
        this.id = Objects.requireNonNull(id, "id");
        if (id.isEmpty()) throw new IllegalArgumentException("record id is empty");
        this.split = Objects.requireNonNull(split, "split");
        EcgClasses.checkFine(fineLabel);
        this.fineLabel = fineLabel;
        this.coarseLabel = EcgClasses.coarseOf(fineLabel);
        this.report = Objects.requireNonNull(report, "report");
        this.signal = Objects.requireNonNull(signal, "signal");
        if (signal.length == 0) throw new IllegalArgumentException("record " + id + ": signal has no leads");
        int t = signal[0].length;
        for (int l = 0; l < signal.length; l++)
            if (signal[l] == null || signal[l].length != t)
                throw new IllegalArgumentException("record " + id + ": lead " + l + " has "
                        + (signal[l] == null ? "no" : signal[l].length) + " steps, lead 0 has " + t);
    }

    public String id() { return id; }
    public Split split() { return split; }
    /** Fine label id, index into {@link EcgClasses#FINE}. */
    public int fineLabel() { return fineLabel; }
    /** Coarse label id, index into {@link EcgClasses#COARSE}. */
    public int coarseLabel() { return coarseLabel; }
    public String fineName() { return EcgClasses.FINE.get(fineLabel); }
    public String coarseName() { return EcgClasses.COARSE.get(coarseLabel); }
    public String report() { return report; }
    /** {@code [leads][steps]} in mV (not copied). */
    public float[][] signal() { return signal; }
    public int leads() { return signal.length; }
    public int steps() { return signal[0].length; }

    @Override
    public String toString() {
        return "EcgRecord{" + id + ", " + split.diskName() + ", " + fineName() + ", " + leads() + "x" + steps()
                + ", report=\"" + report + "\"}";
    }
}
