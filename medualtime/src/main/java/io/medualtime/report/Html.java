package io.medualtime.report;

import java.util.Locale;

/**
 * Escaping and number formatting for the report page. Every piece of text that goes into the page (run names,
 * reports, class names, configuration values, paths) passes through {@link #esc}, so the page stays well-formed
 * XML and a report text can never become markup.
 */
public final class Html {
    private Html() {}

    /** Text or attribute value with {@code & < > " '} escaped and characters XML forbids replaced by U+FFFD. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(allowedInXml(c) ? c : '\uFFFD');
            }
        }
        return b.toString();
    }

    /** XML 1.0 forbids control characters other than tab, LF and CR, and the non-characters U+FFFE / U+FFFF. */
    private static boolean allowedInXml(char c) {
        return c >= 0x20 ? c != 0xFFFE && c != 0xFFFF : c == '\t' || c == '\n' || c == '\r';
    }

    /** {@code digits} decimals, Locale.ROOT; "n/a" for a missing or non-finite value. */
    public static String num(Double v, int digits) {
        if (v == null || !Double.isFinite(v)) return "n/a";
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** A coordinate for SVG: at most one decimal, no trailing ".0". */
    static String coord(double v) {
        return java.math.BigDecimal.valueOf(Math.round(v * 10), 1).stripTrailingZeros().toPlainString();
    }
}
