package io.medualtime.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every field of dataset.json is honoured exactly or refused with one line naming the file and the field. */
class DatasetJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    Path ds, jf;

    @BeforeEach void tiny() throws IOException {
        ds = FormatTest.writeTiny(tmp.resolve("ds"));
        jf = ds.resolve(DatasetWriter.JSON);
    }

    void edit(Consumer<ObjectNode> change) throws IOException {
        ObjectNode j = (ObjectNode) JSON.readTree(jf.toFile());
        change.accept(j);
        Files.writeString(jf, JSON.writeValueAsString(j));
    }

    static ObjectNode obj(ObjectNode j, String field) {
        return (ObjectNode) j.get(field);
    }

    EcgDataException openFails(String field) {
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().startsWith(jf.toString()) && e.getMessage().contains("field '" + field + "'")
                && !e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test void signalsFieldsThatSaySomethingElseAreErrors() throws IOException {
        edit(j -> obj(j, "signals").put("dtype", "float16"));
        assertTrue(openFails("signals.dtype").getMessage().contains("\"float16\""));
        tiny();
        edit(j -> obj(j, "signals").put("file", "other.f32"));
        openFails("signals.file");
        tiny();
        edit(j -> obj(j, "signals").put("byte_order", "big-endian"));
        openFails("signals.byte_order");
        tiny();
        edit(j -> obj(j, "signals").put("bytes", 12));
        assertTrue(openFails("signals.bytes").getMessage().contains("holds " + 5 * 3 * 7 * 4));
        tiny();
        edit(j -> obj(j, "signals").put("compression", "zstd"));
        openFails("signals.compression");
    }

    @Test void unknownFieldsAndDuplicateKeysAreErrors() throws IOException {
        edit(j -> j.put("sampling_rate", 500));
        assertTrue(openFails("sampling_rate").getMessage().contains("extra"));
        tiny();
        String text = Files.readString(jf);
        Files.writeString(jf, text.replaceFirst("\\{", "{\"steps\": 9999, "));
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("Duplicate field 'steps'"), e.getMessage());
        Files.writeString(jf, text + "{}");
        e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test void everyFieldSetToNullNamesTheField() throws IOException {
        List<String> top = List.of("format", "format_version", "name", "synthetic", "provenance", "leads", "steps",
                "sampling_rate_hz", "units", "signals", "classes", "counts", "class_counts", "extra");
        for (String f : top) {
            tiny();
            edit(j -> j.putNull(f));
            openFails(f);
        }
        String[][] nested = {{"signals", "dtype"}, {"signals", "file"}, {"signals", "bytes"}, {"classes", "fine"},
                {"classes", "coarse_of_fine"}, {"counts", "train"}, {"counts", "total"}, {"class_counts", "val"}};
        for (String[] f : nested) {
            tiny();
            edit(j -> ((ObjectNode) j.get(f[0])).putNull(f[1]));
            openFails(f[0] + "." + f[1]);
        }
        tiny();
        edit(j -> ((ArrayNode) j.get("leads")).set(1, JSON.nullNode()));
        openFails("leads[1]");
        tiny();
        edit(j -> j.put("extra", 3));
        openFails("extra");
    }

    @Test void deeplyNestedJsonIsAnErrorNotATrace() throws IOException {
        String text = Files.readString(jf);
        Files.writeString(jf, text.replaceFirst("\\{", "{\"extra\": " + "[".repeat(100_000) + "]".repeat(100_000) + ", "));
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @Test void sizesAreBoundedBeforeAnythingIsRead() throws IOException {
        edit(j -> j.put("steps", DataLimits.MAX_VALUES_PER_RECORD));
        assertTrue(openFails("steps").getMessage().contains("3 leads"));
        tiny();
        edit(j -> j.put("sampling_rate_hz", 1e300));
        openFails("sampling_rate_hz");
        tiny();
        edit(j -> {
            ArrayNode leads = j.putArray("leads");
            for (int i = 0; i <= DataLimits.MAX_LEADS; i++) leads.add("L" + i);
        });
        openFails("leads");
        tiny();
        edit(j -> obj(j, "counts").put("total", -1));
        openFails("counts.total");
    }

    @Test void classCountsMustMatchTheRecords() throws IOException {
        edit(j -> obj(obj(j, "class_counts"), "train").put("NORM", 7));
        assertTrue(openFails("class_counts.train.NORM").getMessage().contains("says 7 records, records.csv has 1"));
    }

    @Test void moreRowsThanDeclaredStopAtTheFirstExtraRow() throws IOException {
        edit(j -> obj(j, "counts").put("total", 2));
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("records.csv, line 4 (record 2)") && e.getMessage().contains("counts.total"),
                e.getMessage());
    }

    @Test void signalsLinkedOutsideTheFolderAreRefused() throws IOException {
        Path outside = Files.move(ds.resolve(DatasetWriter.SIGNALS), tmp.resolve("elsewhere.f32"));
        try {
            Files.createSymbolicLink(ds.resolve(DatasetWriter.SIGNALS), outside.toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here");
        }
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("signals.f32") && e.getMessage().contains("outside"), e.getMessage());
    }

    @Test void latin1OrHugeRecordsCsvNamesTheLine() throws IOException {
        Path csv = ds.resolve(DatasetWriter.CSV);
        String text = Files.readString(csv).replace("Normal ECG.", "Normal ECG, \u00dcberleitung");
        Files.write(csv, text.getBytes(StandardCharsets.ISO_8859_1));
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("records.csv, line 2") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
        Files.writeString(csv, text.replace("Normal ECG, \u00dcberleitung", "x".repeat(DataLimits.MAX_CSV_RECORD_CHARS)));
        e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("records.csv, line 2") && e.getMessage().contains("record longer than"), e.getMessage());
    }

    @Test void messagesStayOnOneLine() throws IOException {
        Path csv = ds.resolve(DatasetWriter.CSV);
        Files.writeString(csv, Files.readString(csv).replace("r2,test,STTC", "\"r2\",\"te\nst\",STTC"));
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(ds).close());
        assertTrue(e.getMessage().contains("'te\\nst'") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
