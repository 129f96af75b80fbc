package io.medualtime.data;

import java.util.Locale;

/** The partition a record belongs to. On disk it is written in lower case: {@code train}, {@code val}, {@code test}. */
public enum Split {
    TRAIN, VAL, TEST;

    /** The on-disk name ({@code train}, {@code val}, {@code test}). */
    public String diskName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an on-disk name (case-insensitive; {@code validation}/{@code valid} are accepted for VAL).
     *
     * @throws IllegalArgumentException naming the value if it is not a split
     */
    public static Split parse(String s) {
        // @formatter:off
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "train": return TRAIN;
            case "val": case "valid": case "validation": return VAL;
            case "test": return TEST;
            default: throw new IllegalArgumentException("unknown split '" + s + "' (expected train, val or test)");
        }
        // @formatter:on
    }
}
