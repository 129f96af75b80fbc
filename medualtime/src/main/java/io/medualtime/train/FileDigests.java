package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of the files of one folder, streamed (1 MiB at a time, never the whole file in memory) and cached in a
 * sidecar {@value #SIDECAR} in that folder, so a multi-GB LM or dataset is hashed once. A cached digest is used
 * only while the file's size, modification time, change time (ctime, which no user tool can set back) and file key
 * (device + inode) are all unchanged; anything else re-hashes. A folder that cannot be written (read-only,
 * another owner) simply gets no cache: the digests are recomputed on every use.
 */
final class FileDigests {
    static final String SIDECAR = ".medualtime-sha256.json";
    private static final int CHUNK = 1 << 20;

    private FileDigests() {}

    /** What identifies one version of a file on disk. */
    record Stamp(long size, String modified, String changed, String key) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            String ctime;
            try {
                ctime = ((FileTime) Files.getAttribute(file, "unix:ctime")).toString();
            } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
                ctime = null;   // no POSIX change time here (e.g. Windows): size, mtime and key only
            }
            return new Stamp(a.size(), a.lastModifiedTime().toString(), ctime, a.fileKey() == null ? null : a.fileKey().toString());
        }
    }

    /** One cached digest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(Stamp stamp, String sha256) {}

    /** The sidecar's content. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Sidecar(String format, Map<String, Entry> files) {}

    private static final String FORMAT = "medualtime-sha256-cache-1";

    /**
     * The hex SHA-256 of each named regular file of {@code folder} (names absent from the folder are left out),
     * sorted by name.
     *
     * @throws IOException when a file cannot be read or changes while it is hashed
     */
    static TreeMap<String, String> sha256(Path folder, Iterable<String> names) throws IOException {
        Map<String, Entry> cache = readSidecar(folder);
        Map<String, Entry> updated = new TreeMap<>(cache);
        TreeMap<String, String> out = new TreeMap<>();
        for (String name : names) {
            Path f = folder.resolve(name);
            if (!Files.isRegularFile(f)) continue;
            Stamp before = Stamp.of(f);
            Entry cached = cache.get(name);
            if (cached != null && before.equals(cached.stamp()) && isSha256(cached.sha256())) {
                out.put(name, cached.sha256());
                continue;
            }
            String hex = hash(f);
            if (!before.equals(Stamp.of(f)))
                throw new IOException(f + ": changed while its SHA-256 was computed; retry once nothing writes to it");
            out.put(name, hex);
            updated.put(name, new Entry(before, hex));
        }
        if (!updated.equals(cache)) writeSidecar(folder, updated);
        return out;
    }

    /** SHA-256 of a file, streamed. */
    static String hash(Path file) throws IOException {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);   // every Java SE platform must provide it
        }
    }

    static boolean isSha256(String hex) { return hex != null && hex.matches("[0-9a-f]{64}"); }

    private static Map<String, Entry> readSidecar(Path folder) {
        Path f = folder.resolve(SIDECAR);
        try {
            if (!Files.isRegularFile(f)) return Map.of();
            Sidecar s = MetricsJson.read(Files.readString(f, StandardCharsets.UTF_8), Sidecar.class);
            if (s == null || !FORMAT.equals(s.format()) || s.files() == null) return Map.of();
            Map<String, Entry> ok = new TreeMap<>();
            s.files().forEach((k, v) -> { if (k != null && v != null && v.stamp() != null) ok.put(k, v); });
            return ok;
        } catch (IOException | RuntimeException e) {
            return Map.of();   // unreadable or damaged: ignored, every file is hashed again
        }
    }

    private static void writeSidecar(Path folder, Map<String, Entry> files) {
        try {
            RunFolder.writeAtomically(folder.resolve(SIDECAR),
                    MetricsJson.write(new Sidecar(FORMAT, files)).getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            // a read-only folder: no cache, the digests are computed again next time
        }
    }
}
