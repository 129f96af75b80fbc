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
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "3", "--out", out.toString(), "--select", "last", "--lr", "0.05"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals(3, m.get("selectedEpoch").asInt());
        assertEquals("last epoch", m.get("selectionCriterion").asText());
        assertEquals("last epoch", m.get("config").get("selection").asText());
    }
}
