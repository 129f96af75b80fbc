package io.medualtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.medualtime.data.PtbXlCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

/** {@code data ptbxl --likelihood X}: the scp_codes likelihood threshold through the CLI (default: any listed statement). */
class PtbXlLikelihoodTest {
    @Test void aThresholdDropsRecordsWhoseOnlyStatementIsLessLikely(@TempDir Path tmp) throws Exception {
        Path root = PtbXlCommandTest.tree(Files.createDirectories(tmp.resolve("ptbxl")));
        Files.writeString(root.resolve("ptbxl_database.csv"), PtbXlTest.DB_HEADER
                + PtbXlTest.dbRow(1, "sinusrhythmus, normales ekg", "{'NORM': 100.0}", 3)
                + PtbXlTest.dbRow(2, "inferiorer infarkt", "{'IMI': 35.0}", 9));
        Path any = tmp.resolve("any"), strict = tmp.resolve("strict");
        PtbXlCommandTest.Run r = cli("data", "ptbxl", "--root", root.toString(), "--out", any.toString(), "--hz", "500");
        assertEquals(0, r.code(), r.err());
        try (DiskDataset d = DiskDataset.open(any)) {
            assertEquals(2, d.size());
        }
        r = cli("data", "ptbxl", "--root", root.toString(), "--out", strict.toString(), "--hz", "500", "--likelihood", "50");
        assertEquals(0, r.code(), r.err());
        try (DiskDataset d = DiskDataset.open(strict)) {
            assertEquals(1, d.size(), "IMI at 35 % is below the threshold: record 2 has no superclass");
        }
        assertTrue(Files.readString(strict.resolve("dataset.json")).contains("likelihood >= 50.0"));

        PtbXlCommandTest.Run bad = cli("data", "ptbxl", "--root", root.toString(), "--out", tmp.resolve("bad").toString(), "--likelihood",
                "150");
        assertEquals(2, bad.code());
        assertEquals("error: --likelihood must be in 0..100 (a percentage), got 150.0", bad.err().strip());
    }
}
