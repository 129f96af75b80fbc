package io.medualtime.train;

import java.util.Locale;

/**
 * Which passes feed the classifier.
 *
 * <ul>
 *   <li>{@link #DUAL}: both passes, z = (z_ts + z_text) / 2 (MedualTime).</li>
 *   <li>{@link #TS_ONLY}: the temporal-primary pass alone with its report conditioning switched off
 *       (c_text = 0, the adaptation tokens are the learned queries alone): the classifier sees the ECG only.</li>
 *   <li>{@link #TEXT_ONLY}: the textual-primary pass alone with c_ts = 0: the classifier sees the report only
 *       (TemEnc is not run).</li>
 *   <li>{@link #TS_PRIMARY} / {@link #TEXT_PRIMARY}: one pass alone but WITH its cross-modal conditioning
 *       (the paper's "single adapter" variants; both still see both modalities).</li>
 * </ul>
 */
public enum Mode {
    DUAL("dual"), TS_ONLY("ts-only"), TEXT_ONLY("text-only"), TS_PRIMARY("ts-primary"), TEXT_PRIMARY("text-primary");

    private final String cliName;

    Mode(String cliName) { this.cliName = cliName; }

    public String cliName() { return cliName; }

    /** Whether the frozen report vectors c_text are needed. */
    public boolean needsTextVectors() {
        return this == DUAL || this == TS_PRIMARY;
    }

    /** What the classifier sees, for tables and logs. */
    public String describe() {
        return switch (this) {
            case DUAL -> "ECG + report (both passes)";
            case TS_ONLY -> "ECG only (temporal-primary pass, no report conditioning)";
            case TEXT_ONLY -> "report only (textual-primary pass, no ECG conditioning)";
            case TS_PRIMARY -> "temporal-primary pass with report conditioning";
            case TEXT_PRIMARY -> "textual-primary pass with ECG conditioning";
        };
    }

    public static Mode parse(String s) {
        if (s == null)
            throw new IllegalArgumentException("the mode is missing (expected dual, ts-only, text-only, ts-primary or text-primary)");
        String k = s.toLowerCase(Locale.ROOT).replace('_', '-');
        for (Mode m : values()) if (m.cliName.equals(k)) return m;
        throw new IllegalArgumentException("unknown mode '" + s + "' (expected dual, ts-only, text-only, ts-primary or text-primary)");
    }

    @Override public String toString() { return cliName; }
}
