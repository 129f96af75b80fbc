package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.medualtime.cli.TrainingCommandsTest.JSON;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code import} on the official-layout fixture ({@code tools/reference/official_checkpoint.py}: a .pth as the official
 * scripts save it and the checkpoint {@code tools/convert_pth.py} makes of it, width 32, M = 1, K = 2, TemEnc width 4,
 * head rows CD,HYP,MI,NORM,STTC): the documented path ends in {@code predict} and {@code eval} without hand-editing.
 */
class ImportCommandTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/official-tiny");
    static final Path CONVERTED = FIXTURE.resolve("expected.safetensors");
    static final Path BERT = Path.of("../nn/src/test/resources/fixtures/distilbert-tiny");
    static final String OFFICIAL_ROWS = "CD,HYP,MI,NORM,STTC";
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        TrainingCommandsTest.Run r = run("data", "synthetic", "--out", data.toString(), "--train", "8", "--val", "4", "--test", "6", "--hz",
                "50");
        assertEquals(0, r.code(), r.err());
    }

    static TrainingCommandsTest.Run importRun(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("import", "--checkpoint", CONVERTED.toString(), "--random-lm", "32,2,2",
                "--classes", OFFICIAL_ROWS, "--steps", "500", "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        return run(a.toArray(new String[0]));
    }

    static void assertOneLineError(TrainingCommandsTest.Run r, String... parts) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String p : parts) assertTrue(r.err().contains(p), r.err());
    }

    @Test void officialCheckpointGoesThroughImportToPredictAndEval(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = importRun(out, "--text-encoder", "gpt2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("NOT pretrained"), r.out());

        JsonNode spec = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("supervised", spec.get("kind").asText());
        assertEquals("[\"NORM\",\"MI\",\"STTC\",\"CD\",\"HYP\"]", spec.get("classNames").toString());
        assertEquals("gpt2", spec.get("textEncoder").asText());
        assertEquals(1, spec.get("model").get("adapterLayers").asInt());
        assertEquals(2, spec.get("model").get("adapterTokens").asInt());
        assertEquals(4, spec.get("model").get("temEncWidth").asInt());
        assertTrue(spec.get("pins").get("lm").isObject(), spec.toString());

        // the head's rows moved from the official order (CD,HYP,MI,NORM,STTC) into ours (NORM,MI,STTC,CD,HYP)
        float[] official = readFloat(CONVERTED, "head.weight"), imported = readFloat(out.resolve("model.safetensors"), "head.weight");
        float[] officialBias = readFloat(CONVERTED, "head.bias"), importedBias = readFloat(out.resolve("model.safetensors"), "head.bias");
        int[] from = {3, 2, 4, 0, 1};
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(Arrays.copyOfRange(official, from[i] * 32, from[i] * 32 + 32),
                    Arrays.copyOfRange(imported, i * 32, i * 32 + 32), "row " + i);
            assertEquals(officialBias[from[i]], importedBias[i]);
        }
        assertArrayEquals(readFloat(CONVERTED, "adapter_query_ts.weight"),
                readFloat(out.resolve("model.safetensors"), "adapter_query_ts.weight"));

        TrainingCommandsTest.Run p = run("predict", "--run", out.toString(), "--data", data.toString());
        assertEquals(0, p.code(), p.err());
        List<String> rows = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals(1 + 18, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("p_NORM"), rows.get(0));
        TrainingCommandsTest.Run e = run("eval", "--run", out.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        TrainingCommandsTest.Run noData = run("eval", "--run", out.toString());
        assertOneLineError(noData, "--data");
    }

    @Test void aPthIsRefusedWithTheConversionToRun(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = run("import", "--checkpoint", FIXTURE.resolve("official-tiny.pth").toString(), "--random-lm", "32,2,2",
                "--text-encoder", "gpt2", "--classes", OFFICIAL_ROWS, "--steps", "500", "--out", out.toString());
        assertOneLineError(r, "official-tiny.pth", "tools/convert_pth.py");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test void aClinicalBertRunSaysSoAndCannotLoadWithoutItsEncoder(@TempDir Path tmp) throws Exception {
        Path bert = tmp.resolve("bert");
        Files.createDirectories(bert);
        try (Stream<Path> files = Files.list(BERT)) {
            for (Path f : files.toList()) Files.copy(f, bert.resolve(f.getFileName()));
        }
        assertOneLineError(importRun(tmp.resolve("none")), "--bert DIR");   // bert is the default, as in the official scripts

        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = importRun(out, "--bert", bert.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode spec = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals("bert", spec.get("textEncoder").asText());
        assertEquals(bert.toAbsolutePath().normalize().toString(), spec.get("bertFolder").asText());
        assertEquals("DISTILBERT", spec.get("model").get("textEncoder").asText());
        assertTrue(spec.get("pins").get("textEncoder").isObject(), spec.toString());
        assertEquals(0, run("predict", "--run", out.toString(), "--data", data.toString()).code());

        try (Stream<Path> files = Files.list(bert)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(bert);
        assertOneLineError(run("predict", "--run", out.toString(), "--data", data.toString()),
                bert.toAbsolutePath().normalize().toString());
    }

    @Test void sizesThatDisagreeWithTheCheckpointAreOneLineErrors(@TempDir Path tmp) throws Exception {
        assertOneLineError(importRun(tmp.resolve("a"), "--text-encoder", "gpt2", "--adapter-tokens", "5"), "--adapter-tokens 5", "K = 2");
        assertOneLineError(importRun(tmp.resolve("b"), "--text-encoder", "gpt2", "--adapter-layers", "2"), "--adapter-layers 2");
        assertOneLineError(importRun(tmp.resolve("c"), "--text-encoder", "gpt2", "--leads", "6"), "ts_adapter_layer.weight");
        assertOneLineError(run("import", "--checkpoint", CONVERTED.toString(), "--random-lm", "32,2,2", "--text-encoder", "gpt2",
                "--classes", "NORM,MI,STTC,CD_HYP", "--steps", "500", "--out", tmp.resolve("d").toString()), "4 classes", "5 rows");
        assertOneLineError(run("import", "--checkpoint", CONVERTED.toString(), "--random-lm", "32,2,2", "--text-encoder", "gpt2",
                "--classes", "NORM,MI,STTC,CD,XYZ", "--steps", "500", "--out", tmp.resolve("e").toString()),
                "--classes NORM,MI,STTC,CD,XYZ");
        assertOneLineError(run("import", "--checkpoint", CONVERTED.toString(), "--random-lm", "64,2,2", "--text-encoder", "gpt2",
                "--classes", OFFICIAL_ROWS, "--steps", "500", "--out", tmp.resolve("f").toString()), "adapter_query_ts.weight",
                "width is 64");
        for (String d : List.of("a", "b", "c", "d", "e", "f")) assertFalse(Files.exists(tmp.resolve(d)), d);

        Path old = tmp.resolve("no-head.safetensors");   // what the previous convert_pth.py wrote
        writeWithout(CONVERTED, old, "head.");
        assertOneLineError(run("import", "--checkpoint", old.toString(), "--random-lm", "32,2,2", "--text-encoder", "gpt2",
                "--classes", OFFICIAL_ROWS, "--steps", "500", "--out", tmp.resolve("g").toString()), "no head.weight", "convert_pth.py");

        Path taken = tmp.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("notes.txt"), "mine");
        assertOneLineError(importRun(taken, "--text-encoder", "gpt2"), taken.toString(), "--overwrite");
        assertOneLineError(importRun(taken, "--text-encoder", "gpt2", "--overwrite"), "holds no run");
        assertEquals("mine", Files.readString(taken.resolve("notes.txt")));

        Path again = tmp.resolve("again");   // --overwrite replaces an imported run
        assertEquals(0, importRun(again, "--text-encoder", "gpt2").code());
        Files.writeString(again.resolve("eval-test.json"), "{}");
        assertEquals(0, importRun(again, "--text-encoder", "gpt2", "--overwrite").code());
        assertFalse(Files.exists(again.resolve("eval-test.json")), "the old run's files are gone");
        assertEquals("completed", JSON.readTree(again.resolve("metrics.json").toFile()).get("status").asText());
    }

    static float[] readFloat(Path file, String name) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.readFloat(name);
        }
    }

    static void writeWithout(Path from, Path to, String prefix) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(from)) {
            for (String n : f.names()) {
                if (n.startsWith(prefix)) continue;
                if (f.info(n).dtype().isFloatingPoint()) w.addFloat(n, f.readFloat(n), f.info(n).shape());
                else w.addLong(n, new long[]{f.readInt(n)[0]});
            }
        }
        w.write(to);
    }
}
