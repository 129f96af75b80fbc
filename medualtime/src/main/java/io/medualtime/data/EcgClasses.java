package io.medualtime.data;

import java.util.List;

/**
 * The one fixed class list of the project (fine and coarse), and the only place where the
 * coarse grouping is defined.
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

    /** Human-readable description of the grouping, also written into dataset.json. */
    public static final String COARSE_GROUPING =
            "NORM->NORM, MI->MI, STTC->STTC, CD->CD_HYP, HYP->CD_HYP "
                    + "(conduction disturbance and hypertrophy merged: depolarisation/QRS abnormalities)";

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
