package io.medualtime.data;

import io.medualtime.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code data ptbxl --hz}: the 500 Hz records (records500/, 5000 steps) through the CLI; other rates refused. */
class PtbXlCommandTest {
    record Run(int code, String out, String err) {}

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A PTB-XL tree with records 1 (train) and 2 (val) at 500 Hz only (no records100/). */
    static Path tree(Path root) throws IOException {
        Files.writeString(root.resolve("scp_statements.csv"), PtbXlTest.STATEMENTS);
        Files.writeString(root.resolve("ptbxl_database.csv"), PtbXlTest.DB_HEADER
                + PtbXlTest.dbRow(1, "sinusrhythmus, normales ekg", "{'NORM': 100.0}", 3)
                + PtbXlTest.dbRow(2, "inferiorer infarkt", "{'IMI': 100.0}", 9));
        Path dir = Files.createDirectories(root.resolve("records500/00000"));
        for (int r = 1; r <= 2; r++) {
            String name = String.format("%05d_hr", r);
            StringBuilder h = new StringBuilder(name + " 12 500 5000\n");
            ByteBuffer bb = ByteBuffer.allocate(5000 * 12 * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < 5000; t++) for (int l = 0; l < 12; l++) bb.putShort(PtbXlTest.adc(r, l, t));
            for (int l = 0; l < 12; l++) {
                int sum = 0;
                for (int t = 0; t < 5000; t++) sum += PtbXlTest.adc(r, l, t);
                h.append(String.format("%s.dat 16 1000.0(0)/mV 16 0 %d %d 0 %s%n", name, PtbXlTest.adc(r, l, 0), (short) sum,
                        PtbXlTest.LEADS[l]));
            }
            Files.writeString(dir.resolve(name + ".hea"), h.toString(), StandardCharsets.US_ASCII);
            Files.write(dir.resolve(name + ".dat"), bb.array());
        }
        return root;
    }

    @Test void converts500HzRecords(@TempDir Path tmp) throws Exception {
        Path root = tree(Files.createDirectories(tmp.resolve("ptbxl"))), out = tmp.resolve("out");
        Run r = cli("data", "ptbxl", "--root", root.toString(), "--out", out.toString(), "--hz", "500");
        assertEquals(0, r.code(), r.err());
        try (DiskDataset d = DiskDataset.open(out)) {
            assertEquals(5000, d.steps());
            assertEquals(500.0, d.info().samplingRate());
            assertEquals(2, d.size());
            assertEquals(PtbXlTest.adc(2, 7, 4321) / 1000f, d.get(1).signal()[7][4321], 1e-7);
        }
    }

    @Test void otherRatesAndTheMissingRateAreOneLineErrors(@TempDir Path tmp) throws Exception {
        Path root = tree(Files.createDirectories(tmp.resolve("ptbxl")));
        Run r = cli("data", "ptbxl", "--root", root.toString(), "--out", tmp.resolve("a").toString(), "--hz", "250");
        assertEquals(2, r.code());
        assertEquals("error: --hz must be 100 or 500 (the rates PTB-XL ships), got 250", r.err().strip());
        Run missing = cli("data", "ptbxl", "--root", root.toString(), "--out", tmp.resolve("b").toString());   // 100 Hz: no records100/
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("records100"), missing.err());
    }
}
