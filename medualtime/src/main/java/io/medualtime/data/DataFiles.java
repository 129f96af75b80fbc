package io.medualtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * How the readers open files named by data: a path read from a file stays inside its root, only
 * regular files of a bounded size are read, and text must be valid UTF-8 (errors name file and line).
 */
final class DataFiles {
    private DataFiles() {}

    /**
     * Resolves {@code name}, read from {@code source} at {@code where}, against {@code root}: absolute
     * paths, {@code ..} and links whose target lies outside the root (real paths compared) are refused.
     * A file that does not exist is returned as resolved, for the caller's "missing" error; an existing
     * one as its real path, so the file opened is the one checked.
     *
     * @param what what the path is, for the message ("signal file", "column 'filename_lr'")
     */
    static Path inside(Path root, String name, Path source, String where, String what) throws IOException {
        String shown = what + " '" + name + "'";
        if (name.isEmpty()) throw new EcgDataException(source, where, what + " is empty");
        Path rel;
        try {
            rel = root.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            throw new EcgDataException(source, where, shown + " is not a valid path: " + e.getReason());
        }
        if (rel.isAbsolute() || rel.getRoot() != null || name.startsWith("/") || name.startsWith("\\"))
            throw new EcgDataException(source, where, shown + " is an absolute path; it must be relative to " + root);
        for (Path part : rel)
            if (part.toString().equals(".."))
                throw new EcgDataException(source, where, shown + " contains '..'; it must stay inside " + root);
        Path p = root.resolve(rel);
        if (!Files.exists(p)) return p;
        Path real = p.toRealPath(), realRoot = root.toRealPath();
        if (!real.startsWith(realRoot))
            throw new EcgDataException(source, where, shown + " resolves to " + real + ", outside " + realRoot
                    + " (a link leaves the folder)");
        return real;
    }

    /** {@link #inside} for a file the reader looks up by its fixed name (dataset.json, records.csv, ...). */
    static Path fixed(Path root, String name) throws IOException {
        return inside(root, name, root.resolve(name), null, "file");
    }

    /**
     * The size of {@code file}, which must be a regular file (links followed) of at most {@code max}
     * bytes: devices, pipes and folders are refused, so nothing is read without end.
     *
     * @param what the kind of file, for the messages ("file", "WFDB header file")
     */
    static long regularSize(Path file, long max, String what) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new EcgDataException(file, null, "missing " + what, e);
        }
        if (!a.isRegularFile())
            throw new EcgDataException(file, null, what + " is not a regular file (a "
                    + (a.isDirectory() ? "folder" : "device, pipe or socket") + "); refusing to read it");
        if (a.size() > max)
            throw new EcgDataException(file, null, what + " is " + a.size() + " bytes, more than the " + max
                    + " this reader accepts");
        return a.size();
    }

    /** Reads exactly {@code size} bytes (the size checked before), failing if the file is shorter now. */
    static byte[] readExactly(Path file, long size) throws IOException {
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(Math.toIntExact(size));
        }
        if (b.length != size)
            throw new EcgDataException(file, null, "file shrank while being read (" + b.length + " of " + size + " bytes)");
        return b;
    }

    /** A whole regular text file of at most {@code max} bytes, decoded as strict UTF-8. */
    static String readText(Path file, long max, String what) throws IOException {
        byte[] b = readExactly(file, regularSize(file, max, what));
        CharsetDecoder d = strictUtf8();
        try {
            return d.decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw notUtf8(new java.io.ByteArrayInputStream(b), file);
        }
    }

    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Finds the first byte of {@code in} that is not valid UTF-8 (streaming, for files of any size) and
     * returns the error naming its line and byte offset.
     */
    static EcgDataException notUtf8(InputStream in, Path file) throws IOException {
        CharsetDecoder d = strictUtf8();
        byte[] buf = new byte[1 << 16];
        CharBuffer out = CharBuffer.allocate(1 << 16);
        int len = 0, line = 1;
        long base = 0;
        while (true) {
            int n = in.read(buf, len, buf.length - len);
            boolean eof = n < 0;
            if (n > 0) len += n;
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
            CoderResult r;
            do {
                out.clear();
                r = d.decode(bb, out, eof);
            } while (r.isOverflow());
            int used = bb.position();
            for (int i = 0; i < used; i++) if (buf[i] == '\n') line++; // '\n' is never inside a multi-byte sequence
            if (r.isError())
                return new EcgDataException(file, "line " + line, String.format(Locale.ROOT,
                        "not valid UTF-8 (byte 0x%02X at byte offset %d); save the file as UTF-8", buf[used] & 0xff, base + used));
            if (eof) return new EcgDataException(file, null, "not valid UTF-8; save the file as UTF-8");
            base += used;
            System.arraycopy(buf, used, buf, 0, len - used);
            len -= used;
        }
    }
}
