package io.medualtime.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A weights file rewritten in place is detected; one replaced by renaming a new file over it is not an error. */
class FileStampTest {
    @TempDir
    Path dir;

    private Path weights() throws Exception {
        Path f = dir.resolve("model.safetensors");
        new SafetensorsWriter().addFloat("w", new float[]{1, 2, 3, 4}, 2, 2).write(f);
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));   // clearly before any rewrite below
        return f;
    }

    @Test void inPlaceRewriteIsDetectedNamingTheFile() throws Exception {
        Path f = weights();
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            FileStamp.verifyAll(st.files());   // unchanged
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[]{0x7f}), st.dataStart());   // same size, other bytes
            }
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> FileStamp.verifyAll(st.files()));
            assertTrue(e.getMessage().startsWith(f + ": changed on disk since the model was loaded"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test void atomicReplacementKeepsTheMappedPagesAndIsFine() throws Exception {
        Path f = weights();
        FileStamp stamp = FileStamp.of(f);
        Path fresh = dir.resolve("new.safetensors");
        new SafetensorsWriter().addFloat("w", new float[]{9, 9, 9, 9, 9}, 5).write(fresh);
        Files.move(fresh, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertNotEquals(stamp.fileKey(), FileStamp.of(f).fileKey());
        stamp.verify();
        Files.delete(f);
        FileStamp.verifyAll(List.of(stamp));   // gone: the mapping still holds what was loaded
    }
}
