package io.medualtime.data;

import java.util.List;

/**
 * The PTB-XL labelling: the five diagnostic superclasses (fine) and this project's coarse grouping of them, the
 * only place where that grouping is defined. It is one labelling among others ({@link LabelColumn}): it is what
 * {@code data ptbxl} and the synthetic generator write ({@link #PTBXL_LABELS}), while a dataset converted from other
 * files (e.g. the authors' pickles, {@code tools/convert_pkl.py}) declares its own columns and classes.
 *
 * <p>Fine labels are the five PTB-XL diagnostic superclasses, always in this order:
 * {@code 0 NORM, 1 MI, 2 STTC, 3 CD, 4 HYP}. Label ids never depend on which classes occur in a
 * split (the official MedualTime code re-encoded labels per split; we do not).
 *
 * <p>Coarse labels (4 classes): {@code 0 NORM, 1 MI, 2 STTC, 3 CD_HYP}. Conduction disturbance
 * (CD) and hypertrophy (HYP) are merged because
 * <ul>
 *   <li>both are primarily <em>depolarisation (QRS) abnormalities</em>: bundle branch blocks widen
 *       and reshape the QRS, hypertrophy raises its voltage and often prolongs it; both produce
 *       <em>secondary</em> ST-T changes (discordant T in LBBB, "strain" in LVH), unlike the primary
 *       repolarisation changes of STTC and the infarction pattern of MI;</li>
 *   <li>clinically they co-occur (LVH with LBBB / left anterior fascicular block / intraventricular
 *       conduction delay) and share the diagnostic difficulty that LBBB masks LVH criteria;</li>
 *   <li>HYP is by far the smallest PTB-XL superclass among single-label records, so merging it with
 *       CD gives a coarse task whose abnormal classes are of similar size.</li>
 * </ul>
 * NORM, MI and STTC are kept as they are, so coarse-to-fine transfer has exactly one split class.
 */
public final class EcgClasses {
    private EcgClasses() {}

    public static final int NORM = 0, MI = 1, STTC = 2, CD = 3, HYP = 4;
    /** Coarse id of the merged conduction-disturbance + hypertrophy class. */
    public static final int COARSE_CD_HYP = 3;

    /** Fine class names, index = fine label id. */
    public static final List<String> FINE = List.of("NORM", "MI", "STTC", "CD", "HYP");
    /** Coarse class names, index = coarse label id. */
    public static final List<String> COARSE = List.of("NORM", "MI", "STTC", "CD_HYP");

    private static final int[] COARSE_OF_FINE = {0, 1, 2, 3, 3};

    /** The column names of the PTB-XL labelling (also the conventional names {@code --label fine|coarse} select). */
    public static final String FINE_COLUMN = "fine", COARSE_COLUMN = "coarse";

    /** Human-readable description of the grouping, also written into dataset.json. */
    public static final String COARSE_GROUPING = "NORM->NORM, MI->MI, STTC->STTC, CD->CD_HYP, HYP->CD_HYP "
            + "(conduction disturbance and hypertrophy merged: depolarisation/QRS abnormalities)";

    /**
     * The PTB-XL labelling as label columns: {@code fine} (the five superclasses) and {@code coarse}, derived from
     * fine by {@link #coarseOf(int)} rather than read from the data.
     */
    public static final List<LabelColumn> PTBXL_LABELS = List.of(
            new LabelColumn(FINE_COLUMN, FINE, "PTB-XL diagnostic superclass", false),
            new LabelColumn(COARSE_COLUMN, COARSE, "derived from fine by this project's grouping: " + COARSE_GROUPING, true));

    public static int numFine() { return FINE.size(); }

    public static int numCoarse() { return COARSE.size(); }

    /** The coarse label of a fine label. */
    public static int coarseOf(int fine) {
        checkFine(fine);
        return COARSE_OF_FINE[fine];
    }

    /** Fine label id of a name (exact, case-sensitive as written on disk), or -1. */
    public static int fineIndexOrMinus1(String name) {
        return FINE.indexOf(name);
    }

    /** Coarse label id of a name, or -1. */
    public static int coarseIndexOrMinus1(String name) {
        return COARSE.indexOf(name);
    }

    /** @throws IllegalArgumentException if not a fine label name */
    public static int fineIndex(String name) {
        int i = FINE.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("unknown fine label '" + name + "' (expected one of " + FINE + ")");
        return i;
    }

    /** @throws IllegalArgumentException if not a coarse label name */
    public static int coarseIndex(String name) {
        int i = COARSE.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("unknown coarse label '" + name + "' (expected one of " + COARSE + ")");
        return i;
    }

    static void checkFine(int fine) {
        if (fine < 0 || fine >= FINE.size())
            throw new IllegalArgumentException("fine label " + fine + " out of range 0.." + (FINE.size() - 1));
    }
}
