package io.medualtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FormatTest {
    @TempDir
    Path tmp;

    static final DatasetInfo INFO = new DatasetInfo("tiny", "unit test", false, List.of("I", "II", "V1"), 7, 100);

    static List<EcgRecord> tinyRecords() {
        List<EcgRecord> out = new ArrayList<>();
        String[] reports = {"Normal ECG.", "Sinus rhythm, \"quoted\", comma", "two\nlines, and a tab\t", "", "Überleitung, AV-Block I°"};
        for (int i = 0; i < 5; i++) {
            float[][] s = new float[3][7];
            for (int l = 0; l < 3; l++) for (int t = 0; t < 7; t++) s[l][t] = (float) (i * 0.1 + l - t * 0.013);
            out.add(new EcgRecord("r" + i, Split.values()[i % 3], i % 5, reports[i], s));
        }
        return out;
    }

    static Path writeTiny(Path folder) throws IOException {
        try (DatasetWriter w = DatasetWriter.create(folder, INFO)) {
            for (EcgRecord r : tinyRecords()) w.add(r);
            return w.commit();
        }
    }

    @Test void roundTrip() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        List<EcgRecord> want = tinyRecords();
        try (DiskDataset ds = DiskDataset.open(f)) {
            assertEquals(5, ds.size());
            assertEquals(List.of("I", "II", "V1"), ds.leadNames());
            assertEquals(7, ds.steps());
            assertEquals(100.0, ds.samplingRate());
            assertFalse(ds.isSynthetic());
            assertEquals(EcgClasses.FINE, ds.classNames());
            assertEquals(2, ds.size(Split.TRAIN));
            assertArrayEquals(new int[]{1, 4}, ds.indices(Split.VAL));
            for (int i = 0; i < 5; i++) {
                EcgRecord a = want.get(i), b = ds.get(i);
                assertEquals(a.id(), b.id());
                assertEquals(a.split(), b.split());
                assertEquals(a.fineLabel(), b.fineLabel());
                assertEquals(a.coarseLabel(), b.coarseLabel());
                assertEquals(a.report(), b.report());
                for (int l = 0; l < 3; l++) assertArrayEquals(a.signal()[l], b.signal()[l]);
            }
            int n = 0;
            for (EcgRecord r : ds.records(Split.TEST)) { assertEquals(Split.TEST, r.split()); n++; }
            assertEquals(1, n);
        }
        // byte layout: record 3, lead 1, step 2 at a fixed little-endian offset
        try (RandomAccessFile raf = new RandomAccessFile(f.resolve("signals.f32").toFile(), "r")) {
            raf.seek(((3L * 3 + 1) * 7 + 2) * 4);
            int bits = Integer.reverseBytes(raf.readInt());
            assertEquals(want.get(3).signal()[1][2], Float.intBitsToFloat(bits));
        }
    }

    @Test void coarseMappingIsFixed() {
        assertEquals(List.of("NORM", "MI", "STTC", "CD", "HYP"), EcgClasses.FINE);
        assertEquals(List.of("NORM", "MI", "STTC", "CD_HYP"), EcgClasses.COARSE);
        int[] want = {0, 1, 2, 3, 3};
        for (int k = 0; k < 5; k++) assertEquals(want[k], EcgClasses.coarseOf(k));
    }

    @Test void syntheticSummarySaysSynthetic() throws IOException {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT.withSizes(3, 1, 1).withSampling(100, 2);
        Path f = SyntheticEcg.writeTo(cfg, tmp.resolve("syn"));
        try (DiskDataset ds = DiskDataset.open(f)) {
            assertTrue(ds.isSynthetic());
            assertTrue(ds.provenance().startsWith("SYNTHETIC"));
            assertTrue(ds.summary().startsWith("SYNTHETIC"));
            assertEquals(5, ds.size());
        }
    }

    @Test void writeIsAtomicAndReplacesOnlyDatasets() throws IOException {
        Path target = tmp.resolve("ds");
        try (DatasetWriter w = DatasetWriter.create(target, INFO)) {
            w.add(tinyRecords().get(0));
            // no commit: nothing must appear
        }
        assertFalse(Files.exists(target));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count(), "temporary folder left behind");
        }
        writeTiny(target);
        writeTiny(target); // replacing an earlier dataset is fine
        try (DiskDataset ds = DiskDataset.open(target)) {
            assertEquals(5, ds.size());
        }
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> writeTiny(other));
        assertTrue(Files.exists(other.resolve("notes.txt")));
    }

    @Test void writerRejectsBadRecords() throws IOException {
        try (DatasetWriter w = DatasetWriter.create(tmp.resolve("x"), INFO)) {
            float[][] s = new float[3][7];
            s[2][5] = Float.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.add(new EcgRecord("a", Split.TRAIN, 0, "", s)));
            assertTrue(e.getMessage().contains("non-finite") && e.getMessage().contains("V1") && e.getMessage().contains("step 5"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> w.add(new EcgRecord("b", Split.TRAIN, 0, "", new float[2][7])));
            assertTrue(e.getMessage().contains("shape"), e.getMessage());
            w.add(new EcgRecord("c", Split.TRAIN, 0, "", new float[3][7]));
            e = assertThrows(IllegalArgumentException.class, () -> w.add(new EcgRecord("c", Split.TRAIN, 0, "", new float[3][7])));
            assertTrue(e.getMessage().contains("duplicate id"), e.getMessage());
        }
    }

    // ------------------------------------------------------------ malformed files

    private static EcgDataException openFails(Path f) {
        return assertThrows(EcgDataException.class, () -> DiskDataset.open(f).close());
    }

    private static void replaceInFile(Path p, String a, String b) throws IOException {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        assertTrue(s.contains(a), "fixture does not contain " + a);
        Files.writeString(p, s.replace(a, b), StandardCharsets.UTF_8);
    }

    @Test void missingFiles() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        Files.delete(f.resolve("signals.f32"));
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("signals.f32") && e.getMessage().contains("missing file"), e.getMessage());
        Files.delete(f.resolve("records.csv"));
        e = openFails(f);
        assertTrue(e.getMessage().contains("records.csv") && e.getMessage().contains("missing file"), e.getMessage());
        Files.delete(f.resolve("dataset.json"));
        e = openFails(f);
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("missing file"), e.getMessage());
        e = openFails(tmp.resolve("nope"));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test void badCsvHeader() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        replaceInFile(f.resolve("records.csv"), "id,split,fine_label", "id,fold,fine_label");
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("records.csv, line 1") && e.getMessage().contains("bad header"), e.getMessage());
    }

    @Test void unknownLabelNamesTheLine() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        replaceInFile(f.resolve("records.csv"), "r2,test,STTC", "r2,test,ISCH");
        EcgDataException e = openFails(f);
        // r0 on line 2, r1 on line 3, r2 on line 4
        assertTrue(e.getMessage().contains("records.csv, line 4") && e.getMessage().contains("fine_label")
                && e.getMessage().contains("'ISCH'"), e.getMessage());
    }

    @Test void inconsistentCoarseLabel() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        replaceInFile(f.resolve("records.csv"), "r1,val,MI,MI", "r1,val,MI,STTC");
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test void wrongSignalsSize() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        try (RandomAccessFile raf = new RandomAccessFile(f.resolve("signals.f32").toFile(), "rw")) {
            raf.setLength(raf.length() - 4);
        }
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("signals.f32") && e.getMessage().contains("expected " + (5 * 3 * 7 * 4)), e.getMessage());
    }

    @Test void countsMismatch() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        replaceInFile(f.resolve("dataset.json"), "\"total\" : 5", "\"total\" : 6");
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("counts.total"), e.getMessage());
    }

    @Test void classListMustBeTheFixedOne() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        replaceInFile(f.resolve("dataset.json"), "\"CD\", \"HYP\"", "\"HYP\", \"CD\"");
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("classes.fine"), e.getMessage());
    }

    @Test void nonFiniteValueNamesRecordAndLead() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        try (RandomAccessFile raf = new RandomAccessFile(f.resolve("signals.f32").toFile(), "rw")) {
            raf.seek(((2L * 3 + 2) * 7 + 4) * 4);
            raf.writeInt(Integer.reverseBytes(Float.floatToIntBits(Float.POSITIVE_INFINITY)));
        }
        try (DiskDataset ds = DiskDataset.open(f)) {
            ds.get(1);
            EcgDataException e = assertThrows(EcgDataException.class, () -> ds.get(2));
            assertTrue(e.getMessage().contains("signals.f32") && e.getMessage().contains("record 2")
                    && e.getMessage().contains("lead V1") && e.getMessage().contains("step 4"), e.getMessage());
            assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(ds, java.util.EnumSet.of(Split.TEST)));
        }
    }

    @Test void unterminatedQuoteNamesLine() throws IOException {
        Path f = writeTiny(tmp.resolve("ds"));
        Files.writeString(f.resolve("records.csv"), "id,split,fine_label,coarse_label,report\nr0,train,NORM,NORM,\"open\n",
                StandardCharsets.UTF_8);
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unterminated"), e.getMessage());
    }
}
