package io.medualtime.data;

import java.nio.file.Path;

/**
 * Bad input data: a malformed or inconsistent file. The message is one line (control characters
 * escaped) and always names the file and, where it applies, the line / record / field.
 */
public class EcgDataException extends RuntimeException {
    private final Path file;
    private final String where;
    private final String detail;

    public EcgDataException(Path file, String where, String message) {
        this(file, where, message, null);
    }

    public EcgDataException(Path file, String where, String message, Throwable cause) {
        super(format(file, where, message), cause);
        this.file = file;
        this.where = where;
        this.detail = message;
    }

    /** The same error with more context appended (e.g. which database row referenced the file). */
    public EcgDataException withContext(String context) {
        EcgDataException e = new EcgDataException(file, where, detail + " [" + context + "]", getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    private static String format(Path file, String where, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file);
        if (where != null && !where.isEmpty()) sb.append(sb.length() > 0 ? ", " : "").append(where);
        if (sb.length() > 0) sb.append(": ");
        return oneLine(sb.append(message).toString());
    }

    /** Line breaks and other control characters (from a hostile file) escaped, so the message is one line. */
    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if ((Character.isISOControl(c) && c != '\t') || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** The offending file, or null. */
    public Path file() { return file; }

    /** Location inside the file ("line 12", "record 7, lead V1"), or null. */
    public String where() { return where; }
}
