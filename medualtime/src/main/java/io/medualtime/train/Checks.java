package io.medualtime.train;

/**
 * Checks of the protocols' option values, each failing with one line that names the option and the value: NaN,
 * infinities, negative values and zeros where they make no sense are refused before anything runs.
 */
final class Checks {
    private Checks() {}

    static void atLeast(String option, int value, int min) {
        if (value < min) throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
    }

    /** Finite and above 0 (a learning rate, a temperature). */
    static void positive(String option, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY))
            throw new IllegalArgumentException(option + " must be a finite number > 0, got " + value);
    }

    /** Finite and at least 0 (a weight decay, a noise level, a loss weight). */
    static void nonNegative(String option, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY))
            throw new IllegalArgumentException(option + " must be a finite number >= 0, got " + value);
    }

    /** In (0, 1] (a decay factor). */
    static void inUnitInterval(String option, double value) {
        if (!(value > 0 && value <= 1)) throw new IllegalArgumentException(option + " must be in (0, 1], got " + value);
    }

    /** In [0, 1] (a fraction). */
    static void fraction(String option, double value) {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException(option + " must be in [0, 1], got " + value);
    }
}
