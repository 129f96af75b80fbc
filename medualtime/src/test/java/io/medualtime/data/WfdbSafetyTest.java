package io.medualtime.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A hostile or corrupt WFDB header cannot make the reader open files outside its folder, read without end or allocate without bound. */
class WfdbSafetyTest {
    @TempDir
    Path root;
    Path dir, hea;

    /** Record 1 of {@link PtbXlTest}'s layout in {@code root/records100/00000}, header re-pointed by the test. */
    @BeforeEach void record() throws IOException {
        PtbXlTest.writeRecord(root, 1, "16", 1000, 1000, 12);
        dir = root.resolve("records100/00000");
        hea = dir.resolve("00001_lr.hea");
    }

    /** The header with every signal line's file name replaced. */
    void pointSignalsAt(String file) throws IOException {
        String h = Files.readString(hea).replace("00001_lr.dat", file);
        Files.writeString(hea, h, StandardCharsets.UTF_8);
    }

    EcgDataException readFails() {
        return assertThrows(EcgDataException.class, () -> Wfdb.readSignals(Wfdb.readHeader(hea)));
    }

    @Test void signalFileOutsideTheFolderIsRefused() throws IOException {
        // a valid data file one level up: the old reader read it
        Files.copy(dir.resolve("00001_lr.dat"), root.resolve("records100/stolen.dat"));
        pointSignalsAt("../stolen.dat");
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains("00001_lr.hea, line 2") && e.getMessage().contains("'../stolen.dat'")
                && e.getMessage().contains("'..'"), e.getMessage());
        pointSignalsAt("../../../../../../../../etc/hostname");
        assertTrue(readFails().getMessage().contains("'..'"));
    }

    @Test void absoluteSignalFileIsRefused() throws IOException {
        Path outside = Files.copy(dir.resolve("00001_lr.dat"), root.resolve("elsewhere.dat")).toAbsolutePath();
        Files.writeString(hea, Files.readString(hea).replace("00001_lr.dat", outside.toString()), StandardCharsets.UTF_8);
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains("absolute path") && e.getMessage().contains(outside.toString()), e.getMessage());
    }

    @Test void linkLeadingOutOfTheFolderIsRefused() throws IOException {
        Path outside = Files.copy(dir.resolve("00001_lr.dat"), root.resolve("elsewhere.dat"));
        Files.delete(dir.resolve("00001_lr.dat"));
        try {
            Files.createSymbolicLink(dir.resolve("00001_lr.dat"), outside.toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here");
        }
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains("resolves to") && e.getMessage().contains("outside"), e.getMessage());
        // a link that stays inside the folder is fine
        Files.delete(dir.resolve("00001_lr.dat"));
        Files.move(outside, dir.resolve("real.dat"));
        Files.createSymbolicLink(dir.resolve("00001_lr.dat"), dir.resolve("real.dat"));
        assertEquals(PtbXlTest.adc(1, 3, 7) / 1000f, Wfdb.readSignals(Wfdb.readHeader(hea))[3][7], 1e-7);
    }

    @Test void aFolderOrDeviceIsNotReadAsSignals() throws IOException {
        Files.createDirectory(dir.resolve("sub.dat"));
        pointSignalsAt("sub.dat");
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains("sub.dat") && e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(EcgDataException.class, () -> DataFiles.regularSize(Path.of("/dev/zero"), Long.MAX_VALUE, "file"));
    }

    @Test void hugeSampleCountIsRefusedAtTheHeader() throws IOException {
        Files.writeString(hea, Files.readString(hea).replace("00001_lr 12 100 1000", "00001_lr 12 100 2000000000"));
        EcgDataException e = assertThrows(EcgDataException.class, () -> Wfdb.readHeader(hea));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("2000000000 samples x 12 signals"),
                e.getMessage());
        Files.writeString(hea, Files.readString(hea).replace("00001_lr 12 100 2000000000", "00001_lr 12 1e9 1000"));
        e = assertThrows(EcgDataException.class, () -> Wfdb.readHeader(hea));
        assertTrue(e.getMessage().contains("sampling frequency"), e.getMessage());
    }

    @Test void withoutASampleCountTheFileSizeIsBoundedBeforeReading() throws IOException {
        Files.writeString(hea, Files.readString(hea).replace("00001_lr 12 100 1000", "00001_lr 12 100"));
        // a sparse file just over the limit: refused from its size, never read
        long frames = DataLimits.MAX_VALUES_PER_RECORD / 12 + 1;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("00001_lr.dat").toFile(), "rw")) {
            f.setLength(frames * 24);
        }
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains(frames + " samples x 12 signals") && e.getMessage().contains("no sample count"),
                e.getMessage());
    }

    @Test void sizeMismatchEitherWayIsAnError() throws IOException {
        Path dat = dir.resolve("00001_lr.dat");
        try (RandomAccessFile f = new RandomAccessFile(dat.toFile(), "rw")) {
            f.setLength(f.length() + 24);
        }
        EcgDataException e = readFails();
        assertTrue(e.getMessage().contains("24024 bytes does not match") && e.getMessage().contains("24000 bytes"), e.getMessage());
    }

    @Test void oversizedOrNonUtf8HeaderIsAOneLineError() throws IOException {
        String valid = Files.readString(hea);
        Files.write(hea, (valid + "# Gr\u00f6\u00dfe: 180\n").getBytes(StandardCharsets.ISO_8859_1));
        EcgDataException e = assertThrows(EcgDataException.class, () -> Wfdb.readHeader(hea));
        assertTrue(e.getMessage().contains("00001_lr.hea, line 15") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
        Files.writeString(hea, valid + ("# " + "x".repeat(1000) + "\n").repeat(1100));
        e = assertThrows(EcgDataException.class, () -> Wfdb.readHeader(hea));
        assertTrue(e.getMessage().contains("more than the " + DataLimits.MAX_HEADER_BYTES), e.getMessage());
    }
}
