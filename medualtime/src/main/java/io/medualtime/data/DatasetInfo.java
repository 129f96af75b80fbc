package io.medualtime.data;

import java.util.List;
import java.util.Objects;

/**
 * Static description of a dataset: everything in {@code dataset.json} except the counts.
 *
 * @param name          short name, e.g. {@code synthetic-ecg} or {@code ptb-xl-100hz}
 * @param provenance    where the data comes from (for synthetic data it starts with {@code SYNTHETIC})
 * @param synthetic     true for generated data
 * @param leadNames     lead names in storage order
 * @param steps         samples per lead
 * @param samplingRate  Hz
 * @param labels        the label columns, in records.csv order ({@link EcgClasses#PTBXL_LABELS} unless declared otherwise)
 */
public record DatasetInfo(String name, String provenance, boolean synthetic, List<String> leadNames, int steps,
        double samplingRate, List<LabelColumn> labels) {
    /** The 12 standard leads in the order used by PTB-XL and by this project. */
    public static final List<String> STANDARD_LEADS = List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");

    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provenance, "provenance");
        leadNames = List.copyOf(leadNames);
        if (name.isBlank()) throw new IllegalArgumentException("dataset name is blank");
        if (leadNames.isEmpty() || leadNames.size() > DataLimits.MAX_LEADS)
            throw new IllegalArgumentException("need 1.." + DataLimits.MAX_LEADS + " leads, got " + leadNames.size());
        if (steps <= 0 || (long) steps * leadNames.size() > DataLimits.MAX_VALUES_PER_RECORD)
            throw new IllegalArgumentException("steps must be > 0 and leads x steps at most "
                    + DataLimits.MAX_VALUES_PER_RECORD + ", got " + steps + " x " + leadNames.size());
        if (!(samplingRate > 0) || samplingRate > DataLimits.MAX_SAMPLING_RATE)
            throw new IllegalArgumentException("sampling rate must be > 0 and at most "
                    + (long) DataLimits.MAX_SAMPLING_RATE + " Hz, got " + samplingRate);
        if (synthetic && !provenance.startsWith("SYNTHETIC"))
            provenance = "SYNTHETIC: " + provenance;
        labels = LabelColumn.checkAll(labels);
    }

    /** A dataset with the PTB-XL labelling ({@link EcgClasses#PTBXL_LABELS}). */
    public DatasetInfo(String name, String provenance, boolean synthetic, List<String> leadNames, int steps, double samplingRate) {
        this(name, provenance, synthetic, leadNames, steps, samplingRate, EcgClasses.PTBXL_LABELS);
    }

    /** Whether the labels are the PTB-XL labelling (written as format version 1, see FORMAT.md). */
    public boolean ptbXlLabelling() {
        return labels.equals(EcgClasses.PTBXL_LABELS);
    }

    /** The index of the label column named {@code name}, or -1. */
    public int labelColumn(String name) {
        for (int i = 0; i < labels.size(); i++) if (labels.get(i).name().equals(name)) return i;
        return -1;
    }

    public int leads() { return leadNames.size(); }
}
