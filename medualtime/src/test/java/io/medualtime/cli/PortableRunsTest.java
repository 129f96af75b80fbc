package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.medualtime.cli.PinnedRunsTest.assertOneLineError;
import static io.medualtime.cli.PinnedRunsTest.json;
import static io.medualtime.cli.PinnedRunsTest.writeLm;
import static io.medualtime.cli.TrainingCommandsTest.Run;
import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A run folder can move: what lies inside it (a synthetic run's data) is recorded relative to it, and what lies
 * outside (the LM, a dataset) can be given again with --lm / --data on eval, predict and transfer --checkpoint,
 * checked against the run's fingerprints.
 */
class PortableRunsTest {
    @BeforeAll static void quiet() { System.setProperty("medualtime.progress", "off"); }

    @Test void aMovedRunWithItsLmAndDataGivesTheSameMetricsWithOverrides(@TempDir Path tmp) throws Exception {
        Path lm = tmp.resolve("gpt2");
        writeLm(lm, 0f);
        Path out = tmp.resolve("run");
        Run t = run(args(new String[]{"train", "--lm", lm.toString(), "--epochs", "1", "--out", out.toString(),
                "--synthetic-sizes", "24,12,12", "--synthetic-hz", "50"}));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("[lm]   weights from " + lm), "an LM folder is not called pretrained GPT-2: " + t.out());
        assertEquals("data", json(out.resolve("run.json")).get("pins").get("dataFolder").asText(),
                "the run's own data is recorded relative to it");
        assertEquals("data", json(out.resolve("metrics.json")).get("config").get("data_folder").asText());
        assertEquals(0, run("eval", "--run", out.toString()).code());
        JsonNode before = json(out.resolve("eval-test.json"));
        Path csv = tmp.resolve("before.csv");
        assertEquals(0, run("predict", "--run", out.toString(), "--data", out.resolve("data").toString(), "--out", csv.toString()).code());

        Path moved = Files.move(out, tmp.resolve("elsewhere"));
        Path movedLm = Files.move(lm, tmp.resolve("models-gpt2"));
        assertOneLineError(run("eval", "--run", moved.toString()), lm.toString(), "not found");
        Run e = run("eval", "--run", moved.toString(), "--lm", movedLm.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode after = json(moved.resolve("eval-test.json"));
        assertEquals(before.get("evaluation"), after.get("evaluation"));
        assertEquals(before.get("loss"), after.get("loss"));
        assertTrue(PinnedRunsTest.strings(after.get("pins").get("unverified")).isEmpty(),
                "identical files are verified: " + after.get("pins"));

        // the data moved out of the run too: --data gives it, with the same fingerprint
        Path movedData = Files.move(moved.resolve("data"), tmp.resolve("ecg"));
        Files.delete(moved.resolve("eval-test.json"));
        Run e2 = run("eval", "--run", moved.toString(), "--lm", movedLm.toString(), "--data", movedData.toString());
        assertEquals(0, e2.code(), e2.err());
        assertEquals(before.get("evaluation"), json(moved.resolve("eval-test.json")).get("evaluation"));
        Path csv2 = tmp.resolve("after.csv");
        Run p = run("predict", "--run", moved.toString(), "--lm", movedLm.toString(), "--data", movedData.toString(), "--out",
                csv2.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(Files.readAllLines(csv), Files.readAllLines(csv2));
        Run tr = run(
                args(new String[]{"transfer", "--checkpoint", moved.toString(), "--lm", movedLm.toString(), "--data", movedData.toString(),
                        "--out", tmp.resolve("t").toString(), "--k", "2", "--probe-epochs", "2"}));
        assertEquals(0, tr.code(), tr.err());

        // another LM under the override is refused unless accepted, as the recorded folder would be
        Path other = tmp.resolve("other-gpt2");
        writeLm(other, 0.5f);
        assertOneLineError(run("eval", "--run", moved.toString(), "--lm", other.toString(), "--data", movedData.toString()),
                "frozen LM", "model.safetensors changed", "--allow-changed-weights");
        Run accepted = run("eval", "--run", moved.toString(), "--lm", other.toString(), "--data", movedData.toString(),
                "--allow-changed-weights");
        assertEquals(0, accepted.code(), accepted.err());
        assertEquals(List.of("lm"), PinnedRunsTest.strings(json(moved.resolve("eval-test.json")).get("pins").get("unverified")));
    }

    @Test void overridesThatDoNotApplyAreOneLineErrors(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("tiny");
        SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(24, 12, 12).withSampling(50, 10), data);
        Path out = PinnedRunsTest.train(tmp.resolve("run"), data);
        assertOneLineError(run("eval", "--run", out.toString(), "--lm", tmp.toString()), "--lm", "random-init LM");
        assertOneLineError(run("eval", "--run", out.toString(), "--bert", tmp.toString()), "--bert", "not from a BERT folder");
    }
}
