package io.medualtime.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files and folders written beside their target and then renamed over it, and the clean-up of the ones
 * a killed process left behind.
 *
 * <p>A temporary entry is named {@code .<target>.tmp-<host>-<pid>-<random>}: {@code host} is a hash of this
 * machine's name and {@code pid} the writing process. {@link #cleanStale} removes only entries of this host whose
 * process is no longer alive, so it never touches the files of a running process (on a shared file system, those of
 * other machines are left alone). Entries are created with the default permissions of a new file (0666 or 0777
 * minus the umask, e.g. 0644), like any file the user creates, not the 0600 of {@link Files#createTempFile}.
 */
public final class AtomicFiles {
    private static final Pattern TEMP = Pattern.compile("^\\..+\\.tmp-([0-9a-f]{8})-(\\d+)-[0-9a-f]+$");
    private static final String HOST = String.format(Locale.ROOT, "%08x", hostName().hashCode());
    private static final long PID = ProcessHandle.current().pid();

    private AtomicFiles() {}

    /** A new, empty temporary file beside {@code target} (same folder, so that a rename can replace it). */
    public static Path newTempFile(Path target) throws IOException {
        return Files.createFile(tempName(target));
    }

    /** A new, empty temporary folder beside {@code target}. */
    public static Path newTempFolder(Path target) throws IOException {
        return Files.createDirectory(tempName(target));
    }

    private static Path tempName(Path target) {
        Path abs = target.toAbsolutePath();
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return abs.resolveSibling("." + abs.getFileName() + ".tmp-" + HOST + "-" + PID + "-" + random);
    }

    /**
     * Writes {@code bytes} to {@code target}: a temporary file beside it, forced to disk, renamed over the target
     * (atomically where the file system can, a plain replacing move otherwise), then the folder forced to disk. A
     * reader or a crash sees the old file or the new one, never a part; the temporary file is removed on failure.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = newTempFile(target);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            fsyncFolder(parent);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Makes renames in {@code folder} durable on POSIX file systems; not possible everywhere, so best effort. */
    public static void fsyncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // e.g. Windows: the rename itself is still atomic
        }
    }

    /**
     * Removes the temporary files and folders in {@code folder} (not below it) that a process of this host which
     * is no longer alive left behind. Anything else (other names, live processes, other hosts) is kept; entries
     * that cannot be removed are skipped. Returns how many were removed.
     */
    public static int cleanStale(Path folder) {
        if (!Files.isDirectory(folder)) return 0;
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (!isStale(p.getFileName().toString())) continue;
                try {
                    deleteTree(p);
                    removed++;
                } catch (IOException ignored) {
                    // another cleaner got there first, or no permission: leave it
                }
            }
        } catch (IOException ignored) {
            // an unreadable folder has nothing we may clean
        }
        return removed;
    }

    /** A temporary name of this host whose process has exited. */
    static boolean isStale(String fileName) {
        Matcher m = TEMP.matcher(fileName);
        if (!m.matches() || !m.group(1).equals(HOST)) return false;
        long pid;
        try {
            pid = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return false;
        }
        return pid != PID && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    /** Deletes a file, or a folder with everything in it; symbolic links are removed, never followed. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e2) {
                return "unknown-host";
            }
        }
    }
}
