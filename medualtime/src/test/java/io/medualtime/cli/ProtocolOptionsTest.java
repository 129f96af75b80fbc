package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.cli.TrainingCommandsTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.metrics;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The protocol options through the CLI on the tiny SYNTHETIC set of {@link TrainingCommandsTest} (random-init LM):
 * learning-rate schedules, epoch selection, K-shot draws, repeats and the official preset.
 */
class ProtocolOptionsTest {
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        Run r = run("data", "synthetic", "--out", data.toString(), "--train", "40", "--val", "20", "--test", "20", "--hz", "50");
        assertEquals(0, r.code(), r.err());
    }

    static double lr(JsonNode m, int epoch) { return m.get("history").get(epoch - 1).get("lr").asDouble(); }

    @Test void stepScheduleDecaysEveryStepSizeEpochs(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("step");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "3", "--out", out.toString(),
                "--schedule", "step", "--step-size", "2", "--step-gamma", "0.5", "--lr", "0.004"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals("StepLR(step_size=2, gamma=0.5) per epoch", m.get("config").get("schedule").asText());
        assertEquals(0.004f, (float) lr(m, 1));
        assertEquals(0.004f, (float) lr(m, 2));
        assertEquals(0.002f, (float) lr(m, 3));
    }

    @Test void exponentialScheduleStaysTheDefault(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("exp");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "2", "--out", out.toString(), "--lr", "0.004"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals("ExponentialLR(gamma=0.5) per epoch", m.get("config").get("schedule").asText());
        assertEquals(0.002f, (float) lr(m, 2));
        assertEquals("lowest validation loss", m.get("config").get("selection").asText());
    }

    @Test void optionsOfTheOtherScheduleAreRefusedInOneLine(@TempDir Path tmp) {
        String[][] bad = {{"--schedule", "step", "--gamma", "0.5"}, {"--step-size", "3"}, {"--schedule", "cosine"},
                {"--schedule", "step", "--step-size", "0"}, {"--select", "first"}};
        for (int i = 0; i < bad.length; i++) {
            List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", tmp.resolve("bad" + i).toString()));
            a.addAll(List.of(bad[i]));
            Run r = run(args(a.toArray(new String[0])));
            assertNotEquals(0, r.code(), String.join(" ", bad[i]));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test void selectLastKeepsTheLastEpoch(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("last");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "3", "--out", out.toString(), "--select", "last",
                "--lr", "0.05"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals(3, m.get("selectedEpoch").asInt());
        assertEquals("last epoch", m.get("selectionCriterion").asText());
        assertEquals("last epoch", m.get("config").get("selection").asText());
    }

    @Test void repeatedNestedDrawsGiveMeanAndStdPerK(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("draws");
        Run r = run(args(new String[]{"transfer", "--data", data.toString(), "--epochs", "1", "--out", out.toString(), "--k", "2,3",
                "--probe-epochs", "3", "--sampling", "nested", "--draws", "3"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals("nested across K (seed 42 + class), 3 per K", m.get("config").get("transfer").get("draws").asText());
        JsonNode row = m.get("extra").get("fewShot").get(0);
        assertEquals(2, row.get("otherDraws").size());
        JsonNode acc = row.get("repeats").get("accuracy");
        assertEquals(3, acc.get("values").size());
        assertEquals(row.get("test").get("report").get("accuracy").asDouble(), acc.get("values").get(0).asDouble(), 0);
        double mean = 0;
        for (JsonNode v : acc.get("values")) mean += v.asDouble() / 3;
        assertEquals(mean, acc.get("mean").asDouble(), 1e-12);
        assertTrue(r.out().contains("Over repeated runs"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("K=3 +3 draws +\\d\\.\\d{4} \\+- \\d\\.\\d{4} .*")), r.out());
        String page = java.nio.file.Files.readString(out.resolve("report.html"));   // the report shows the spread too
        assertTrue(page.contains("Over the K-shot draws") && page.contains("<th>K=3</th><td>3 draws [0, 1, 2]</td><td>"
                + String.format(java.util.Locale.ROOT, "%.4f +- ",
                        m.get("extra").get("fewShot").get(1).get("repeats").get("accuracy").get("mean").asDouble())),
                page);
    }

    @Test void officialTransferPresetSetsStepDecaySeedAndNestedDraws(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("official");
        Run r = run(args(new String[]{"transfer", "--data", data.toString(), "--epochs", "1", "--out", out.toString(), "--k", "2",
                "--probe-epochs", "2", "--protocol", "official"}));
        assertEquals(0, r.code(), r.err());
        JsonNode coarse = metrics(out.resolve("coarse")), m = metrics(out);
        assertEquals("StepLR(step_size=5, gamma=0.3) per epoch", coarse.get("config").get("schedule").asText());
        assertEquals(128, coarse.get("seed").asLong());
        assertEquals(128, m.get("seed").asLong());
        assertEquals("official", m.get("config").get("protocol").asText());
        assertTrue(m.get("config").get("transfer").get("draws").asText().startsWith("nested"), m.toString());
        // an explicit option wins over the preset
        Path mine = tmp.resolve("mine");
        Run r2 = run(args(new String[]{"transfer", "--data", data.toString(), "--epochs", "1", "--out", mine.toString(), "--k", "2",
                "--probe-epochs", "2", "--protocol", "official", "--seed", "3", "--sampling", "independent"}));
        assertEquals(0, r2.code(), r2.err());
        assertEquals(3, metrics(mine).get("seed").asLong());
        assertTrue(metrics(mine).get("config").get("transfer").get("draws").asText().startsWith("independent"));
    }

    @Test void seedsRepeatTrainingAndSummariseTheSpread(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("seeds");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString(), "--seeds", "1,2"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out), rep = m.get("extra").get("repeats");
        assertEquals("completed", m.get("status").asText());
        assertEquals("[1,2]", rep.get("runs").toString());
        for (int i = 0; i < 2; i++) {
            JsonNode one = metrics(out.resolve("seed-" + (i + 1)));
            assertEquals(i + 1, one.get("seed").asLong());
            assertEquals(one.get("test").get("report").get("accuracy").asDouble(), rep.get("accuracy").get("values").get(i).asDouble(), 0);
        }
        assertTrue(r.out().contains("dual seed=1") && r.out().contains("dual seed=2"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("dual +2 seeds +\\d\\.\\d{4} \\+- \\d\\.\\d{4} .*")), r.out());
        String page = java.nio.file.Files.readString(out.resolve("report.html"));   // one page: both seed runs and the spread
        assertTrue(page.contains("over 2 seeds") && page.contains("seed-1") && page.contains("seed-2")
                && page.contains("<td>2 seeds [1, 2]</td><td>"
                        + String.format(java.util.Locale.ROOT, "%.4f +- ", rep.get("accuracy").get("mean").asDouble())),
                page);

        // an interrupted repeat continues with the seeds not yet completed
        com.fasterxml.jackson.databind.node.ObjectNode unfinished = (com.fasterxml.jackson.databind.node.ObjectNode) m.deepCopy();
        unfinished.put("status", "running");
        java.nio.file.Files.writeString(out.resolve("metrics.json"), unfinished.toString());
        java.nio.file.Files.delete(out.resolve("seed-2").resolve("metrics.json"));
        Run again = run("train", "--resume", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("seed 1 already completed"), again.out());
        assertEquals(rep, metrics(out).get("extra").get("repeats"), "seed 2 trained again from scratch gives the same numbers");
    }

    @Test void seedsAreRefusedWithSeedOrTwice(@TempDir Path tmp) {
        for (String[] bad : new String[][]{{"--seeds", "1,1"}, {"--seeds", "1,2", "--seed", "3"}}) {
            List<String> a = new ArrayList<>(
                    List.of("train", "--data", data.toString(), "--out", tmp.resolve("bad" + bad.length).toString()));
            a.addAll(List.of(bad));
            Run r = run(args(a.toArray(new String[0])));
            assertNotEquals(0, r.code(), String.join(" ", bad));
            assertTrue(r.err().contains("--seeds"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test void pretrainTakesAStepScheduleAndLastSelection(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pretrain");
        Run r = run(args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "2", "--batch-size", "8", "--out", out.toString(),
                "--probe-epochs", "2", "--schedule", "step", "--step-size", "1", "--select", "last"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals("StepLR(step_size=1, gamma=0.5) per epoch", m.get("config").get("schedule").asText());
        assertEquals(0.0005f, (float) lr(m, 2));
        assertEquals(2, m.get("selectedEpoch").asInt());
        assertEquals("last epoch", m.get("selectionCriterion").asText());
        Run bad = run(
                args(new String[]{"pretrain", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--step-gamma", "0.5"}));
        assertNotEquals(0, bad.code());
        assertEquals("error: --step-gamma applies to --schedule step", bad.err().strip());
    }
}
