package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.cli.TrainingCommandsTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.medualtime.cli.ProtocolOptionsTest.lr;
import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.metrics;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --protocol official} of train and pretrain, {@code --gpt-dropout}, {@code --init}, pretrain's two probes and
 * the configuration warning, through the CLI on a tiny SYNTHETIC set (random-init LM).
 */
class OfficialPresetTest {
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        ProtocolOptionsTest.tinyData(tmp);   // the same tiny set
        data = ProtocolOptionsTest.data;
    }

    static Run train(Path out, String... more) {
        return run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()}, more));
    }

    @Test void officialTrainPresetSetsSeedLmDropoutAndInitAndExplicitOptionsWin(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("official");
        Run r = train(out, "--protocol", "official");
        assertEquals(0, r.code(), r.err());
        JsonNode c = metrics(out).get("config");
        assertEquals(42, metrics(out).get("seed").asLong());
        assertEquals("official", c.get("protocol").asText());
        assertEquals("0.1", c.get("lm_dropout").asText());
        assertTrue(c.get("init").asText().startsWith("official"), c.toString());
        assertEquals("ExponentialLR(gamma=0.5) per epoch", c.get("schedule").asText(), "supervised_exp.sh: --exp_lr --exp_gamma 0.5");
        assertTrue(r.out().contains("[train] --protocol official"), r.out());

        Path mine = tmp.resolve("mine");
        Run r2 = train(mine, "--protocol", "official", "--seed", "3", "--init", "default", "--gpt-dropout", "0.2");
        assertEquals(0, r2.code(), r2.err());
        JsonNode c2 = metrics(mine).get("config");
        assertEquals(3, metrics(mine).get("seed").asLong());
        assertEquals("PyTorch defaults", c2.get("init").asText());
        assertEquals("0.2", c2.get("lm_dropout").asText());

        Path plain = tmp.resolve("plain");
        assertEquals(0, train(plain).code());
        JsonNode c3 = metrics(plain).get("config");
        assertEquals("default", c3.get("protocol").asText());
        assertEquals("PyTorch defaults", c3.get("init").asText());
        assertEquals("the LM's config.json values", c3.get("lm_dropout").asText());
        assertEquals(0, metrics(plain).get("seed").asLong());
    }

    @Test void officialInitChangesTheStartingPointOnly(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        assertEquals(0, train(a).code());
        assertEquals(0, train(b, "--init", "official").code());
        assertNotEquals(metrics(a).get("history").get(0).get("trainLoss").asDouble(),
                metrics(b).get("history").get(0).get("trainLoss").asDouble());
        Run bad = train(tmp.resolve("bad"), "--init", "fastai");
        assertEquals("error: --init must be official or default, got 'fastai'", bad.err().strip());
    }

    @Test void gptDropoutIsTheLmsDropoutRecordedAndReplayedOnResume(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("base"), drop = tmp.resolve("drop"), patchOnly = tmp.resolve("patch");
        assertEquals(0, train(base, "--dropout", "0.1").code());
        Run r = train(drop, "--gpt-dropout", "0.5", "--dropout", "0.1");
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(drop);
        assertEquals("0.5", m.get("config").get("lm_dropout").asText());
        assertEquals(0.1, m.get("config").get("model").get("dropout").asDouble(), 1e-6, "--dropout given: the patch dropout stays its own");
        double lossBase = metrics(base).get("history").get(0).get("trainLoss").asDouble();
        double lossDrop = m.get("history").get(0).get("trainLoss").asDouble();
        assertNotEquals(lossBase, lossDrop, "the LM's dropout changes training");
        assertEquals(0, train(patchOnly, "--gpt-dropout", "0.5").code());
        assertEquals(0.5, metrics(patchOnly).get("config").get("model").get("dropout").asDouble(), 1e-6,
                "without --dropout the patch embeddings take the LM's dropout, as the official --gpt_dropout");

        // an interrupted run starts again with its recorded --gpt-dropout: the same history
        ObjectNode unfinished = (ObjectNode) m.deepCopy();
        unfinished.put("status", "running");
        Files.writeString(drop.resolve("metrics.json"), unfinished.toString());
        Run again = run("train", "--resume", drop.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(lossDrop, metrics(drop).get("history").get(0).get("trainLoss").asDouble(), 0);

        Run bad = train(tmp.resolve("bad"), "--gpt-dropout", "1.5");
        assertEquals("error: --gpt-dropout must be in [0, 1), got 1.5", bad.err().strip());
    }

    @Test void officialPretrainPresetStepsLastEpochAndBothProbes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pre");
        Run r = run(args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "2", "--batch-size", "8", "--out", out.toString(),
                "--probe-epochs", "2", "--protocol", "official"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out), c = m.get("config");
        assertEquals(64, m.get("seed").asLong());
        assertEquals("StepLR(step_size=20, gamma=0.5) per epoch", c.get("schedule").asText());
        assertEquals(2, m.get("selectedEpoch").asInt());
        assertEquals("last epoch", m.get("selectionCriterion").asText());
        assertTrue(c.get("init").asText().contains("patch embedding N(0, 0.01)"), c.toString());
        JsonNode probes = m.get("extra").get("probes");
        assertEquals(2, probes.size());
        assertEquals("fine", probes.get(0).get("label").asText());
        assertEquals(5, probes.get(0).get("classes").size());
        assertEquals(0.001, probes.get(0).get("options").get("lr").asDouble(), 1e-12);
        assertEquals("coarse", probes.get(1).get("label").asText());
        assertEquals(4, probes.get(1).get("classes").size());
        assertEquals(0.005, probes.get(1).get("options").get("lr").asDouble(), 1e-12);
        assertEquals(m.get("test").get("report").get("accuracy").asDouble(),
                probes.get(0).get("test").get("report").get("accuracy").asDouble(), 0, "the run's test result is the fine probe's");
        assertTrue(r.out().contains("probe fine (5 classes)") && r.out().contains("probe coarse (4 classes)"), r.out());
        assertTrue(r.out().contains("SYNTHETIC data"), r.out());
        assertFalse(r.out().contains("warning:"), "the report page reads a run with two probes: " + r.out());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));

        // an explicit option wins; one probe unless --label both
        Path mine = tmp.resolve("mine");
        Run r2 = run(
                args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "1", "--batch-size", "8", "--out", mine.toString(),
                        "--probe-epochs", "2", "--protocol", "official", "--label", "coarse", "--select", "best", "--schedule", "none"}));
        assertEquals(0, r2.code(), r2.err());
        JsonNode m2 = metrics(mine);
        assertNull(m2.get("extra").get("probes"));
        assertEquals("coarse", m2.get("config").get("probe_label").asText());
        assertEquals("constant", m2.get("config").get("schedule").asText());
        assertEquals("lowest validation loss", m2.get("selectionCriterion").asText());
    }

    @Test void bothProbesWithoutThePreset(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("both");
        Run r = run(args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "1", "--batch-size", "8", "--out", out.toString(),
                "--probe-epochs", "2", "--label", "both", "--coarse-probe-lr", "0.002"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals(0, m.get("seed").asLong());
        assertEquals(0.002, m.get("extra").get("probes").get(1).get("options").get("lr").asDouble(), 1e-12);
        Run bad = run(args(new String[]{"pretrain", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--label", "all"}));
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("no label column 'all' (its columns: fine, coarse)"), bad.err());   // any declared column, or both
    }

    @Test void anLmFromAFolderWithTheGpt2ReportVectorIsWarnedAbout(@TempDir Path tmp) throws Exception {
        Path lm = tmp.resolve("gpt2");
        PinnedRunsTest.writeLm(lm, 0f);
        Run r = run(args(new String[]{"train", "--lm", lm.toString(), "--epochs", "1", "--out", tmp.resolve("run").toString(),
                "--synthetic-sizes", "24,12,12", "--synthetic-hz", "50"}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[text] warning: GPT-2 weights from " + lm + " with the GPT-2 report vector"), r.out());
        Run random = train(tmp.resolve("random"));
        assertFalse(random.out().contains("[text] warning"), "a random LM is a test setup, not a claim about the paper");
    }

    @Test void bertReportVectorsRecomputedWithDropoutInTraining(@TempDir Path tmp) throws Exception {
        Path bert = io.medualtime.model.BertDropoutVectorsTest.bertWithDropout(tmp.resolve("bert"));
        Path cached = tmp.resolve("cached"), recomputed = tmp.resolve("recomputed"), official = tmp.resolve("official");
        assertEquals(0, train(cached, "--text-encoder", "bert", "--bert", bert.toString()).code());
        Run r = train(recomputed, "--text-encoder", "bert", "--bert", bert.toString(), "--text-vectors", "recomputed");
        assertEquals(0, r.code(), r.err());
        assertEquals("cached, eval mode", metrics(cached).get("config").get("text_vectors").asText());
        assertTrue(metrics(recomputed).get("config").get("text_vectors").asText().startsWith("recomputed"));
        assertNotEquals(metrics(cached).get("history").get(0).get("trainLoss").asDouble(),
                metrics(recomputed).get("history").get(0).get("trainLoss").asDouble(), "BERT's dropout changes the training steps");

        // the preset turns it on (and the BERT text encoder when --bert is given)
        Run o = train(official, "--bert", bert.toString(), "--protocol", "official");
        assertEquals(0, o.code(), o.err());
        assertTrue(metrics(official).get("config").get("text_vectors").asText().startsWith("recomputed"));
        assertEquals("bert", PinnedRunsTest.json(official.resolve("run.json")).get("textEncoder").asText());

        Run bad = train(tmp.resolve("bad"), "--text-vectors", "recomputed");
        assertEquals("error: --text-vectors recomputed applies to --text-encoder bert (the official ClinicalBERT path), not gpt2",
                bad.err().strip());
    }
}
