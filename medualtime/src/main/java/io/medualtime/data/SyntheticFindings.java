package io.medualtime.data;

/**
 * What the generator put into one synthetic signal (the ground truth behind a report). Package-private:
 * the report writer reads it; it is not part of the dataset.
 */
final class SyntheticFindings {
    enum Sub {
        NONE, MI_OLD, MI_ACUTE, STTC_ISCHEMIC, STTC_TINV, STTC_NONSPECIFIC, STTC_LONG_QT, CD_LBBB, CD_RBBB, CD_LAFB, CD_AVB1, CD_AVB2, HYP_LVH, HYP_RVH
    }

    /** Infarct / ST-T territory. */
    enum Territory { INFERIOR, ANTERIOR, LATERAL, INFEROLATERAL }

    /** Borderline findings of a NORM record (normal variants). */
    enum Variant {
        NONE, T_FLAT, PR_BORDERLINE, HIGH_VOLTAGE, LEFT_AXIS, IRBBB, EARLY_REPOL
    }

    int fine;
    Sub sub = Sub.NONE;
    Territory territory = Territory.INFERIOR;
    /** 0..1; mild cases are below 0.4. */
    double severity;
    boolean mild;
    Variant variant = Variant.NONE;
    boolean strain;      // HYP with repolarisation abnormality
    boolean leftAtrial;  // P-wave abnormality
    // measured-like values of the generated signal
    double heartRate;
    double prMs, qrsMs, qtcMs, axisDeg;
    int pvcs;
    boolean sinusArrhythmia;
    boolean noisy;
}
