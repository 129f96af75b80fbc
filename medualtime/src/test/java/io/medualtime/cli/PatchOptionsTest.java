package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.medualtime.cli.TrainingCommandsTest.JSON;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** {@code train --patch-len --stride}: other patchings than the official 25 / 25 train, are recorded in run.json and reload. */
class PatchOptionsTest {
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        assertEquals(0,
                run("data", "synthetic", "--out", data.toString(), "--train", "8", "--val", "4", "--test", "4", "--hz", "50").code());
    }

    @Test void overlappingPatchesTrainAndReload(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = run(
                TrainingCommandsTest.args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString(),
                        "--patch-len", "50", "--stride", "20"}));
        assertEquals(0, r.code(), r.err());
        JsonNode model = JSON.readTree(out.resolve("run.json").toFile()).get("model");
        assertEquals(50, model.get("patchLen").asInt());
        assertEquals(20, model.get("stride").asInt());
        assertEquals(0, run("predict", "--run", out.toString(), "--data", data.toString()).code());
    }

    @Test void aPatchLongerThanTheRecordsIsAOneLineError(@TempDir Path tmp) {
        TrainingCommandsTest.Run r = run(TrainingCommandsTest.args(new String[]{"train", "--data", data.toString(), "--epochs", "1",
                "--out", tmp.resolve("run").toString(), "--patch-len", "600"}));
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--patch-len 600") && r.err().contains("500 steps"), r.err());
    }
}
