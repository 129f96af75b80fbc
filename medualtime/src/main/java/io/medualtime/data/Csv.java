package io.medualtime.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
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
 * optional UTF-8 byte order mark. Files must be strict UTF-8 and records at most
 * {@link DataLimits#MAX_CSV_RECORD_CHARS} characters. Errors name the file and the line.
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
        private int recordChars;       // characters read for the current record

        public Reader(java.io.Reader in, Path file) {
            this.in = in instanceof BufferedReader ? in : new BufferedReader(in, 1 << 16);
            this.file = file;
        }

        /**
         * Opens a regular UTF-8 file (no device or pipe); a missing file gives an {@link EcgDataException}
         * naming it.
         */
        public static Reader open(Path file) throws IOException {
            DataFiles.regularSize(file, Long.MAX_VALUE, "file");
            try {
                return new Reader(new InputStreamReader(Files.newInputStream(file), DataFiles.strictUtf8()), file);
            } catch (NoSuchFileException e) {
                throw new EcgDataException(file, null, "missing file", e);
            }
        }

        private int read() throws IOException {
            int c;
            if (pushback != -2) {
                c = pushback;
                pushback = -2;
            } else c = decoded();
            if (first) { first = false; if (c == 0xFEFF) return read(); }
            if (++recordChars > DataLimits.MAX_CSV_RECORD_CHARS)
                throw new EcgDataException(file, "line " + recordLine, "record longer than "
                        + DataLimits.MAX_CSV_RECORD_CHARS + " characters (a missing line break or an unterminated quote?)");
            return c;
        }

        private int decoded() throws IOException {
            try {
                return in.read();
            } catch (CharacterCodingException e) {
                // the decoder reads ahead, so the line is found by scanning the file from its start
                if (file == null || !Files.isRegularFile(file))
                    throw new EcgDataException(file, "line " + line, "not valid UTF-8", e);
                try (InputStream s = Files.newInputStream(file)) {
                    throw DataFiles.notUtf8(s, file);
                }
            }
        }

        /** Line (1-based) where the record last returned by {@link #next()} starts. */
        public int line() { return recordLine; }

        public Path file() { return file; }

        /** The next record, or null at end of input. A blank line is a record with one empty field. */
        public List<String> next() throws IOException {
            recordChars = 0;
            recordLine = line;
            int c = read();
            if (c == -1) return null;
            List<String> fields = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (c == '"' && sb.length() == 0) {
                    // quoted field
                    while (true) {
                        c = read();
                        if (c == -1)
                            throw new EcgDataException(file, "line " + recordLine,
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
                if (c == '"')
                    throw new EcgDataException(file, "line " + line,
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
