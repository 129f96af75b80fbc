package io.medualtime.tensor.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;

/**
 * What a weights file was when it was opened: size, last-modified time and file key (the inode on
 * Unix). Memory-mapped weights read the file's pages for as long as the model lives, so a file
 * rewritten in place would silently change a running model's outputs; {@link #verify} turns that
 * into an error. A file replaced by a new one (written beside it and renamed over it, the safe way
 * to update model files) is fine: the mapping keeps the old file's pages.
 *
 * @param file     the path
 * @param size     bytes
 * @param modified last-modified time
 * @param fileKey  the file system's identity of the file, or null where it has none
 */
public record FileStamp(Path file, long size, FileTime modified, Object fileKey) {

    /** The file as it is now. */
    public static FileStamp of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(file, a.size(), a.lastModifiedTime(), a.fileKey());
    }

    /**
     * Throws, naming the file, if it was modified since this stamp was taken (same file, other size
     * or time); a file replaced by another one (other file key) is not an error, see the class comment.
     */
    public void verify() throws SafetensorsException {
        FileStamp now;
        try {
            now = of(file);
        } catch (IOException e) {
            return;   // deleted or renamed away: the mapping still holds the pages that were loaded
        }
        boolean replaced = fileKey != null && !Objects.equals(fileKey, now.fileKey);
        if (!replaced && (size != now.size || !modified.equals(now.modified))) {
            throw new SafetensorsException(file + ": changed on disk since the model was loaded (size " + size + " -> " + now.size
                    + " bytes, modified " + modified + " -> " + now.modified + "), so its memory-mapped weights changed under the "
                    + "running model; load it again, and update model files by writing a new file and renaming it over the old one");
        }
    }

    /** {@link #verify} on each. */
    public static void verifyAll(List<FileStamp> stamps) throws SafetensorsException {
        for (FileStamp s : stamps) s.verify();
    }
}
