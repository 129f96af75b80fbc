package io.medualtime.tensor.io;

/**
 * Error messages quote values read from files; a hostile file can put line breaks or terminal control
 * characters into them. Every reader's exception passes its message through {@link #of} so it stays one line.
 */
public final class OneLine {
    private OneLine() {}

    /** {@code s} with line breaks and other control characters escaped ({@code \n}, {@code \r}, {@code \\u001b}). */
    public static String of(String s) {
        if (s == null) return null;
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = c == '\n'
                    ? "\\n"
                    : c == '\r'
                            ? "\\r"
                            : (Character.isISOControl(c) && c != '\t') || c == '\u2028' || c == '\u2029'
                                    ? String.format("\\u%04x", (int) c)
                                    : null;
            if (esc != null && sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (sb != null) {
                if (esc != null) sb.append(esc);
                else sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
