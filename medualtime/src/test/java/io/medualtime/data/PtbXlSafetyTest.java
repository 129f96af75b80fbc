package io.medualtime.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The PTB-XL converter reads only files inside its root and reports bad CSV text with file and line. */
class PtbXlSafetyTest {
    @TempDir
    Path tmp;
    Path root, outside;

    @BeforeEach void layout() throws IOException {
        root = tmp.resolve("ptbxl");
        outside = tmp.resolve("outside");
        Files.createDirectories(root);
        Files.writeString(root.resolve(PtbXl.STATEMENTS), PtbXlTest.STATEMENTS);
        PtbXlTest.writeRecord(root, 1, "16", 1000, 1000, 12);
        PtbXlTest.writeRecord(outside, 2, "16", 1000, 1000, 12); // a valid record the database must not reach
    }

    void database(String... rows) throws IOException {
        Files.writeString(root.resolve(PtbXl.DATABASE), PtbXlTest.DB_HEADER + String.join("", rows));
    }

    EcgDataException convertFails() {
        EcgDataException e = assertThrows(EcgDataException.class, () -> PtbXl.convert(root, tmp.resolve("out")));
        assertFalse(Files.exists(tmp.resolve("out")), "no output");
        return e;
    }

    static String row(int id, String filenameLr) {
        return PtbXlTest.dbRow(id, "ok", "{'NORM': 100.0}", 1).replace(String.format("records100/00000/%05d_lr", id), filenameLr);
    }

    @Test void filenameEscapingTheRootIsRefusedBeforeAnyRecordIsRead() throws IOException {
        database(row(1, "records100/00000/00001_lr"), row(2, "../outside/records100/00000/00002_lr"));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("ptbxl_database.csv, line 3 (ecg_id 2), column 'filename_lr'")
                && e.getMessage().contains("'..'"), e.getMessage());
    }

    @Test void absoluteFilenameIsRefused() throws IOException {
        String abs = outside.resolve("records100/00000/00002_lr").toAbsolutePath().toString();
        database(row(2, abs));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("absolute path")
                && e.getMessage().contains(abs), e.getMessage());
    }

    @Test void recordFolderLinkedOutsideTheRootIsRefused() throws IOException {
        Files.delete(root.resolve("records100/00000/00001_lr.hea"));
        Files.delete(root.resolve("records100/00000/00001_lr.dat"));
        Files.delete(root.resolve("records100/00000"));
        try {
            Files.createSymbolicLink(root.resolve("records100/00000"), outside.resolve("records100/00000").toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here");
        }
        database(row(2, "records100/00000/00002_lr"));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("resolves to") && e.getMessage().contains("outside")
                && e.getMessage().contains("ecg_id 2"), e.getMessage());
    }

    @Test void latin1CsvNamesFileAndLine() throws IOException {
        String db = PtbXlTest.DB_HEADER + PtbXlTest.dbRow(1, "sinusrhythmus", "{'NORM': 100.0}", 1)
                + PtbXlTest.dbRow(2, "\u00fcberleitung", "{'NORM': 100.0}", 1);
        Files.write(root.resolve(PtbXl.DATABASE), db.getBytes(StandardCharsets.ISO_8859_1));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("ptbxl_database.csv, line 3") && e.getMessage().contains("not valid UTF-8")
                && e.getMessage().contains("0xFC"), e.getMessage());
    }

    @Test void hugeCsvRecordIsRefused() throws IOException {
        database(PtbXlTest.dbRow(1, "x".repeat(DataLimits.MAX_CSV_RECORD_CHARS), "{'NORM': 100.0}", 1));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("ptbxl_database.csv, line 2") && e.getMessage().contains("record longer than"),
                e.getMessage());
    }

    @Test void controlCharacterInAnIdIsNamedAtItsRow() throws IOException {
        database(row(1, "records100/00000/00001_lr").replaceFirst("^1,", "\"1\n2\",")); // a quoted id with a line break
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("ptbxl_database.csv, line 2, column 'ecg_id'") && e.getMessage().contains("'1\\n2'"),
                e.getMessage());
    }

    @Test void allRowsDroppedIsAnErrorNotAnEmptyDataset() throws IOException {
        database(PtbXlTest.dbRow(1, "sinusrhythmus", "{'SR': 0.0}", 1), PtbXlTest.dbRow(2, "x", "{'IMI': 100, 'LVH': 100}", 9));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("all 2 rows dropped") && e.getMessage().contains("1 without and 1 with several"),
                e.getMessage());
    }

    @Test void statementsFileThatIsAFolderIsRefused() throws IOException {
        database(row(1, "records100/00000/00001_lr"));
        Files.delete(root.resolve(PtbXl.STATEMENTS));
        Files.createDirectory(root.resolve(PtbXl.STATEMENTS));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("scp_statements.csv") && e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
