package io.medualtime.train;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fingerprints: what they cover, the sidecar cache (used while a file is unchanged, never after), read-only folders. */
class FingerprintTest {

    static Path folder(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"n_layer\": 1}");
        Files.write(dir.resolve("model.safetensors"), new byte[3 * 1024 * 1024 + 5]);   // more than one 1 MiB chunk
        Files.writeString(dir.resolve("README.md"), "not read by any loader");
        return dir;
    }

    @Test void aModelFolderCoversWhatTheLoadersReadAndOnlyThat(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("lm"));
        Fingerprint f = Fingerprint.ofModelFolder(dir);
        assertEquals(List.of("config.json", "model.safetensors"), List.copyOf(f.files().keySet()));
        assertEquals(FileDigests.hash(dir.resolve("model.safetensors")), f.files().get("model.safetensors"));
        Files.writeString(dir.resolve("README.md"), "edited");
        assertTrue(Fingerprint.ofModelFolder(dir).sameAs(f), "a file no loader reads does not change the fingerprint");
        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n");
        Fingerprint g = Fingerprint.ofModelFolder(dir);
        assertFalse(g.sameAs(f));
        assertEquals("vocab.txt added", f.differences(g));
    }

    @Test void theSidecarIsUsedWhileAFileIsUnchangedAndNeverAfterAnEdit(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("lm"));
        Fingerprint first = Fingerprint.ofModelFolder(dir);
        Path sidecar = dir.resolve(FileDigests.SIDECAR);
        assertTrue(Files.isRegularFile(sidecar));
        // a planted digest for the unchanged file is believed: the file was not read again
        String real = first.files().get("config.json"), planted = "0".repeat(64);
        Files.writeString(sidecar, Files.readString(sidecar).replace(real, planted));
        assertEquals(planted, Fingerprint.ofModelFolder(dir).files().get("config.json"));

        // the same size and modification time, other bytes: the change time / file key give it away
        Path cfg = dir.resolve("config.json");
        FileTime mtime = Files.getLastModifiedTime(cfg);
        Files.writeString(cfg, "{\"n_layer\": 2}");
        Files.setLastModifiedTime(cfg, mtime);
        Fingerprint after = Fingerprint.ofModelFolder(dir);
        assertEquals(FileDigests.hash(cfg), after.files().get("config.json"));
        assertNotEquals(real, after.files().get("config.json"));
        assertEquals("config.json changed", first.differences(after));
    }

    @Test void aDamagedSidecarIsIgnored(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("lm"));
        Fingerprint first = Fingerprint.ofModelFolder(dir);
        Files.writeString(dir.resolve(FileDigests.SIDECAR), "{\"format\": 7, ");
        assertTrue(Fingerprint.ofModelFolder(dir).sameAs(first));
    }

    @Test void aReadOnlyFolderIsHashedWithoutACache(@TempDir Path tmp) throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path dir = folder(tmp.resolve("lm"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(dir), "running as root: permissions are not enforced");
            Fingerprint f = Fingerprint.ofModelFolder(dir);
            assertFalse(Files.exists(dir.resolve(FileDigests.SIDECAR)));
            assertTrue(Fingerprint.ofModelFolder(dir).sameAs(f));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The same where the sidecar cannot be written even by root: its name is taken by a non-empty folder. */
    @Test void aSidecarThatCannotBeWrittenIsNoError(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("lm"));
        Files.createDirectories(dir.resolve(FileDigests.SIDECAR).resolve("taken"));
        Fingerprint f = Fingerprint.ofModelFolder(dir);
        assertTrue(Fingerprint.ofModelFolder(dir).sameAs(f));
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count(), "config.json, model.safetensors, README.md and the folder: no temporary file left");
        }
    }

    @Test void generatedWeightsAreFingerprintedByValue() {
        Gpt2Config cfg = Gpt2Config.of(64, 16, 8, 1, 2);
        Fingerprint a = Fingerprint.ofWeights(new Gpt2(cfg, new Rng(1))), b = Fingerprint.ofWeights(new Gpt2(cfg, new Rng(1)));
        assertTrue(a.sameAs(b));
        assertNull(a.files());
        assertFalse(a.sameAs(Fingerprint.ofWeights(new Gpt2(cfg, new Rng(2)))));
        Gpt2 edited = new Gpt2(cfg, new Rng(1));
        io.medualtime.tensor.Tensor bias = edited.stateDict().get("ln_f.bias");
        float[] v = bias.toArray();
        v[0] += 1e-6f;
        bias.setData(io.medualtime.tensor.Tensor.of(v, bias.shape()));
        assertFalse(a.sameAs(Fingerprint.ofWeights(edited)), "one weight moved by 1e-6 changes the fingerprint");
        assertEquals("the weights differ", a.differences(Fingerprint.ofWeights(edited)));
    }
}
