package io.medualtime.train;

import java.nio.file.Path;

/**
 * The folders a run records (LM, text encoder, dataset): relative to the run folder when they lie inside it, so a
 * run folder can be moved or copied with its own data; absolute otherwise. Relative paths are resolved against the
 * run folder when the run is read.
 */
public final class RunPaths {
    private RunPaths() {}

    /** {@code path} as a run in {@code runDir} records it (null stays null). */
    public static String stored(Path runDir, String path) {
        if (path == null) return null;
        Path p = Path.of(path).toAbsolutePath().normalize(), root = runDir.toAbsolutePath().normalize();
        return p.startsWith(root) && !p.equals(root) ? root.relativize(p).toString() : p.toString();
    }

    /** A recorded path, absolute: a relative one is taken relative to {@code runDir} (null stays null). */
    public static String resolved(Path runDir, String stored) {
        if (stored == null) return null;
        Path p = Path.of(stored);
        return p.isAbsolute() ? stored : runDir.toAbsolutePath().normalize().resolve(p).normalize().toString();
    }
}
