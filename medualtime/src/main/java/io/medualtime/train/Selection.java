package io.medualtime.train;

import java.util.Locale;

/**
 * Which epoch's state a run keeps: the one with the lowest validation loss (our default) or the last one (what the
 * official unsupervised code ends up with, its "best" being reset every epoch).
 */
public enum Selection {
    BEST(MetricsFile.LOWEST_VAL_LOSS), LAST("last epoch");

    private final String criterion;

    Selection(String criterion) { this.criterion = criterion; }

    /** What metrics.json records as {@code config.selection} and {@code selectionCriterion}. */
    public String criterion() {
        return criterion;
    }

    /** Whether the epoch that just ended, with validation loss {@code loss}, replaces the one kept so far ({@code kept}). */
    public boolean replaces(double loss, double kept) {
        return this == LAST || loss < kept;
    }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static Selection parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "best" -> BEST;
            case "last" -> LAST;
            default -> throw new IllegalArgumentException("--select must be best or last, got '" + s + "'");
        };
    }
}
