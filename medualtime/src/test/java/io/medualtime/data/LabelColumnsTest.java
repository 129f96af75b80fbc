package io.medualtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Declared label columns (format version 2): any number of columns and classes, each read from records.csv on its
 * own; the PTB-XL labelling stays version 1; every mismatch is a one-line error naming the field.
 */
class LabelColumnsTest {
    @TempDir
    Path tmp;

    static final List<LabelColumn> COLUMNS = List.of(
            new LabelColumn("rhythm", List.of("sinus", "AF", "flutter, atrial"), "hand-made"),
            new LabelColumn("axis", List.of("normal", "left"), "hand-made"));
    static final DatasetInfo INFO = new DatasetInfo("cols", "unit test", false, List.of("a", "b"), 6, 250, COLUMNS);

    /** Records 0..5; record 5 unlabelled; the columns vary independently. */
    static List<EcgRecord> records() {
        List<EcgRecord> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            float[][] s = new float[2][6];
            for (int l = 0; l < 2; l++) for (int t = 0; t < 6; t++) s[l][t] = i + l * 0.5f - t * 0.01f;
            int[] y = i == 5 ? new int[]{Dataset.UNLABELLED, Dataset.UNLABELLED} : new int[]{i % 3, i / 3};
            out.add(new EcgRecord("r" + i, Split.values()[i % 3], y, "report " + i, s));
        }
        return out;
    }

    Path write() throws IOException {
        try (DatasetWriter w = DatasetWriter.create(tmp.resolve("ds"), INFO)) {
            for (EcgRecord r : records()) w.add(r);
            return w.commit();
        }
    }

    @Test void declaredColumnsRoundTripAsVersion2() throws IOException {
        Path f = write();
        String json = Files.readString(f.resolve("dataset.json"));
        assertTrue(json.contains("\"format_version\" : 2") && json.contains("\"labels\"") && !json.contains("\"classes\" : {"), json);
        assertEquals("id,split,rhythm_label,axis_label,report", Files.readAllLines(f.resolve("records.csv")).get(0));
        try (DiskDataset ds = DiskDataset.open(f)) {
            assertEquals(COLUMNS, ds.labelColumns());
            assertEquals(1, ds.labelColumn("axis"));
            for (int i = 0; i < 5; i++) {
                assertEquals(i % 3, ds.label(0, i));
                assertEquals(i / 3, ds.label(1, i));
            }
            assertFalse(ds.labelled(5));
            assertEquals(Dataset.UNLABELLED, ds.label(1, 5));
            assertArrayEquals(new int[]{0, 2, 0}, ds.classCounts(0)[Split.VAL.ordinal()]);
            assertArrayEquals(new int[]{1, 1}, ds.classCounts(1)[Split.VAL.ordinal()]);
            assertArrayEquals(new int[]{1, 1}, ds.get(4).labels());
            assertEquals("flutter, atrial", ds.labelColumns().get(0).classes().get(ds.label(0, 2)));
            assertTrue(ds.summary().contains("labels: rhythm (3 classes) axis (2 classes)"), ds.summary());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.fineLabel(0));
            assertEquals("dataset 'cols' has no label column 'fine' (its columns: rhythm, axis)", e.getMessage());
        }
    }

    @Test void thePtbXlLabellingIsStillWrittenAsVersion1() throws IOException {
        Path f = FormatTest.writeTiny(tmp.resolve("v1"));
        assertTrue(Files.readString(f.resolve("dataset.json")).contains("\"format_version\" : 1"));
        try (DiskDataset ds = DiskDataset.open(f)) {
            assertEquals(EcgClasses.PTBXL_LABELS, ds.labelColumns());
            assertTrue(ds.labelColumns().get(1).derived());
        }
    }

    @Test void aClassNameNotDeclaredNamesTheColumnField() throws IOException {
        editFails("records.csv", "r1,val,AF,normal,", "r1,val,AF,right,", "field 'axis_label'", "unknown label name 'right'",
                "[normal, left]");
    }

    @Test void oneLabelMissingOfSeveralIsAnError() throws IOException {
        editFails("records.csv", "r1,val,AF,normal,", "r1,val,,normal,", "field 'rhythm_label'", "leaves both empty");
    }

    @Test void theHeaderFollowsTheDeclaredColumns() throws IOException {
        editFails("records.csv", "id,split,rhythm_label,axis_label,report", "id,split,fine_label,coarse_label,report",
                "line 1", "expected id,split,rhythm_label,axis_label,report");
    }

    @Test void classCountsAreCheckedPerColumn() throws IOException {
        Path f = write();
        String json = Files.readString(f.resolve("dataset.json"));
        int at = json.indexOf("\"axis\" : {", json.indexOf("\"val\" : {", json.indexOf("\"class_counts\"")));
        Files.writeString(f.resolve("dataset.json"),
                json.substring(0, at) + json.substring(at).replaceFirst("\"left\" : 1", "\"left\" : 4"));
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("class_counts.val.axis.left") && e.getMessage().contains("says 4 records"), e.getMessage());
    }

    @Test void eachVersionHasItsOwnClassField() throws IOException {
        Path f = write();
        replace(f.resolve("dataset.json"), "\"labels\" :", "\"classes\" :");
        EcgDataException e = openFails(f);
        assertTrue(e.getMessage().contains("field 'classes'") && e.getMessage().contains("version 2 'labels'"), e.getMessage());
        Path v1 = FormatTest.writeTiny(tmp.resolve("v1"));
        replace(v1.resolve("dataset.json"), "\"classes\" :", "\"labels\" :");
        e = openFails(v1);
        assertTrue(e.getMessage().contains("field 'labels'") && e.getMessage().contains("format version 1"), e.getMessage());
    }

    @Test void badColumnDeclarationsNameTheField() throws IOException {
        editFails("dataset.json", "\"name\" : \"axis\"", "\"name\" : \"rhythm\"", "field 'labels'",
                "label column 'rhythm' is declared twice");
        editFails("dataset.json", "\"left\" ]", "\"normal\" ]", "field 'labels[1]'", "'normal' is repeated");
        editFails("dataset.json", "\"name\" : \"axis\"", "\"name\" : \"axis label\"", "field 'labels[1]'", "must be 1..64 letters");
    }

    @Test void recordsMustCarryOneLabelPerColumn() throws IOException {
        float[][] s = new float[2][6];
        assertThrows(IllegalArgumentException.class, () -> new EcgRecord("x", Split.TRAIN, new int[]{0, Dataset.UNLABELLED}, "", s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDataset(INFO, List.of(new EcgRecord("x", Split.TRAIN, new int[]{0}, "", s))));
        assertTrue(e.getMessage().contains("1 labels") && e.getMessage().contains("2 label columns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDataset(INFO, List.of(new EcgRecord("x", Split.TRAIN, new int[]{0, 2}, "", s))));
        assertTrue(e.getMessage().contains("column 'axis' (2 classes)"), e.getMessage());
        DatasetInfo ptb = new DatasetInfo("p", "unit test", false, List.of("a", "b"), 6, 100);
        e = assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDataset(ptb, List.of(new EcgRecord("x", Split.TRAIN, new int[]{EcgClasses.HYP, 0}, "", s))));
        assertTrue(e.getMessage().contains("not the grouping"), e.getMessage());
    }

    /** Writes the set, replaces {@code a} by {@code b} in one of its files, and expects a one-line error with {@code mentions}. */
    private void editFails(String file, String a, String b, String... mentions) throws IOException {
        Path f = write();
        replace(f.resolve(file), a, b);
        String msg = openFails(f).getMessage();
        assertEquals(1, msg.lines().count(), msg);
        for (String m : mentions) assertTrue(msg.contains(m), "'" + m + "' not in: " + msg);
    }

    private static EcgDataException openFails(Path f) {
        return assertThrows(EcgDataException.class, () -> DiskDataset.open(f).close());
    }

    private static void replace(Path p, String a, String b) throws IOException {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        assertTrue(s.contains(a), "fixture does not contain " + a + ":\n" + s);
        Files.writeString(p, s.replace(a, b), StandardCharsets.UTF_8);
    }
}
