package io.medualtime.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal RFC 4180 CSV: comma separator, fields optionally in double quotes, {@code ""} inside
 * quotes is one quote, quoted fields may contain commas and line breaks, CRLF or LF line ends, an
 * optional UTF-8 byte order mark. Errors name the file and the line where the record starts.
 */
public final class Csv {
    private Csv() {}

    /** Streaming reader; {@link #next()} returns one record's fields or null at the end. */
    public static final class Reader implements Closeable {
        private final java.io.Reader in;
        private final Path file;
        private int line = 1;          // current physical line (1-based)
        private int recordLine = 0;    // line where the last returned record started
        private int pushback = -2;
        private boolean first = true;

        public Reader(java.io.Reader in, Path file) {
            this.in = in instanceof BufferedReader ? in : new BufferedReader(in, 1 << 16);
            this.file = file;
        }

        /** Opens a UTF-8 file; a missing file gives an {@link EcgDataException} naming it. */
        public static Reader open(Path file) throws IOException {
            try {
                return new Reader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file);
            } catch (NoSuchFileException e) {
                throw new EcgDataException(file, null, "missing file", e);
            }
        }

        private int read() throws IOException {
            int c;
            if (pushback != -2) { c = pushback; pushback = -2; } else c = in.read();
            if (first) { first = false; if (c == 0xFEFF) return read(); }
            return c;
        }

        /** Line (1-based) where the record last returned by {@link #next()} starts. */
        public int line() { return recordLine; }

        public Path file() { return file; }

        /** The next record, or null at end of input. A blank line is a record with one empty field. */
        public List<String> next() throws IOException {
            int c = read();
            if (c == -1) return null;
            recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (c == '"' && sb.length() == 0) {
                    // quoted field
                    while (true) {
                        c = read();
                        if (c == -1) throw new EcgDataException(file, "line " + recordLine,
                                "unterminated quoted field (opened in field " + (fields.size() + 1) + ")");
                        if (c == '"') {
                            int d = read();
                            if (d == '"') { sb.append('"'); continue; }
                            c = d;
                            break;
                        }
                        if (c == '\n') line++;
                        sb.append((char) c);
                    }
                    if (c != ',' && c != '\n' && c != '\r' && c != -1)
                        throw new EcgDataException(file, "line " + line, "unexpected character '" + (char) c
                                + "' after closing quote of field " + (fields.size() + 1));
                }
                if (c == ',') { fields.add(sb.toString()); sb.setLength(0); c = read(); continue; }
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') pushback = d;
                    c = '\n';
                }
                if (c == '\n' || c == -1) {
                    if (c == '\n') line++;
                    fields.add(sb.toString());
                    return fields;
                }
                if (c == '"') throw new EcgDataException(file, "line " + line,
                        "quote inside unquoted field " + (fields.size() + 1));
                sb.append((char) c);
                c = read();
            }
        }

        @Override public void close() throws IOException { in.close(); }
    }

    /** Column name to index of a header row; duplicate names are an error. */
    public static Map<String, Integer> headerIndex(List<String> header, Path file) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < header.size(); i++)
            if (m.put(header.get(i).trim(), i) != null)
                throw new EcgDataException(file, "line 1", "duplicate column '" + header.get(i) + "' in header");
        return m;
    }

    /** Quotes a field if it needs it (comma, quote, CR, LF, leading/trailing space) or if {@code always}. */
    public static String quote(String s, boolean always) {
        boolean need = always || s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
                || s.indexOf('\r') >= 0 || Character.isWhitespace(s.charAt(0))
                || Character.isWhitespace(s.charAt(s.length() - 1));
        if (!need) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
