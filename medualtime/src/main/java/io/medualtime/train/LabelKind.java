package io.medualtime.train;

import io.medualtime.data.Dataset;

import java.util.List;
import java.util.Locale;

/** Which label a run learns: the 5 fine PTB-XL superclasses or the 4 coarse groups (CD and HYP merged). */
public enum LabelKind {
    FINE, COARSE;

    /** The fixed class list (index = label id), the same in every split (the official code re-encodes per split; we do not). */
    public List<String> classNames(Dataset d) { return this == FINE ? d.classNames() : d.coarseClassNames(); }

    /** The record's label id; a record without a label is an error naming it. */
    public int label(Dataset d, int index) {
        int y = labelOrUnlabelled(d, index);
        if (y == Dataset.UNLABELLED)
            throw new IllegalStateException("record '" + d.id(index) + "' of " + d.name() + " has no label; this needs labelled records (predict works without)");
        return y;
    }

    /** The record's label id, or {@link Dataset#UNLABELLED}. */
    public int labelOrUnlabelled(Dataset d, int index) { return this == FINE ? d.fineLabel(index) : d.coarseLabel(index); }

    public int[] labels(Dataset d, int[] indices) {
        int[] y = new int[indices.length];
        for (int i = 0; i < y.length; i++) y[i] = label(d, indices[i]);
        return y;
    }

    /** The official ExponentialLR gamma of the supervised protocol: 0.5 for the 5-class task, 0.85 for the 4-class one. */
    public double defaultGamma() { return this == FINE ? 0.5 : 0.85; }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static LabelKind parse(String s) {
        if (s == null) throw new IllegalArgumentException("the label is missing (expected fine or coarse)");
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fine", "5", "superclass" -> FINE;
            case "coarse", "4" -> COARSE;
            default -> throw new IllegalArgumentException("unknown label '" + s + "' (expected fine or coarse)");
        };
    }
}
