package io.medualtime.train;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class RunFolderTest {
    @TempDir
    Path tmp;

    record Config(String task, int epochs, double lr, List<String> classes) {}

    static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static MetricsFile sampleRun() {
        List<String> names = ClassificationReportTest.NAMES;
        MetricsFile m = new MetricsFile()
                .command("train-supervised --task fine --epochs 3")
                .config(new Config("fine", 3, 1e-3, names))
                .config("batch", 32)
                .seed(42).threads(2)
                .data("SyntheticEcg 500 records, split 400/50/50", true)
                .lmRandomInit("GPT-2-architecture")
                .addEpoch(new MetricsFile.Epoch(1, 1.2, 1.1, 1e-3, 3.5))
                .addEpoch(new MetricsFile.Epoch(2, 0.9, 0.95, 5e-4, 3.4, Map.of("valAccuracy", 0.6)))
                .addEpoch(new MetricsFile.Epoch(3, Double.NaN, 1.3, 2.5e-4, 3.6));
        m.selectLowestValLoss();
        int[] t = ClassificationReportTest.TRUTH, p = ClassificationReportTest.PRED;
        m.test(MetricsFile.Evaluation.of(t, p, names, 42)).totalSeconds(10.5).extra("note", "smoke");
        return m;
    }

    @Test void createsTimestampedFoldersWithoutCollisions() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);
        RunFolder a = RunFolder.create(tmp.resolve("runs"), "dual 5-class/x", clock);
        RunFolder b = RunFolder.create(tmp.resolve("runs"), "dual 5-class/x", clock);
        assertEquals(tmp.resolve("runs/dual_5-class_x-20250304-050607"), a.dir());
        assertEquals(tmp.resolve("runs/dual_5-class_x-20250304-050607-2"), b.dir());
        assertTrue(Files.isDirectory(b.dir()));
        Path given = tmp.resolve("given/folder");
        assertEquals(given, RunFolder.at(given).dir());
        assertTrue(Files.isDirectory(given));
        assertEquals("run.hidden", RunFolder.sanitise(".hidden"));
    }

    @Test void metricsJsonRoundTripAndStructure() throws Exception {
        RunFolder run = RunFolder.at(tmp.resolve("r"));
        MetricsFile m = sampleRun();
        Path file = run.writeMetrics(m);
        assertEquals(List.of("metrics.json"), listing(run.dir()), "no temp files left");

        MetricsFile back = RunFolder.readMetrics(run.dir());
        assertEquals(m.command(), back.command());
        assertEquals(m.config(), back.config());
        assertEquals(42L, back.seed());
        assertEquals(2, back.threads());
        assertTrue(back.syntheticData());
        assertEquals("SYNTHETIC: SyntheticEcg 500 records, split 400/50/50", back.dataProvenance());
        assertEquals("random-init GPT-2-architecture LM (NOT pretrained)", back.lmProvenance());
        assertEquals(Boolean.FALSE, back.lmPretrained());
        assertEquals(m.history(), back.history()); // includes a NaN train loss
        assertTrue(Double.isNaN(back.history().get(2).trainLoss()));
        assertEquals(2, back.selectedEpoch());
        assertEquals(MetricsFile.LOWEST_VAL_LOSS, back.selectionCriterion());
        assertEquals(m.test(), back.test());
        assertEquals(m.createdAt(), back.createdAt());
        assertEquals("smoke", back.extra().get("note"));
        assertNull(back.validation());

        JsonNode tree = MetricsJson.mapper().readTree(Files.readString(file));
        assertEquals(MetricsFile.SCHEMA, tree.get("schema").asText());
        assertEquals("fine", tree.get("config").get("task").asText());
        assertEquals(32, tree.get("config").get("batch").asInt());
        assertEquals(3, tree.get("history").size());
        assertEquals("NaN", tree.get("history").get(2).get("trainLoss").asText(), "NaN stays valid JSON");
        JsonNode test = tree.get("test");
        assertEquals(0.375, test.get("report").get("accuracy").asDouble(), 1e-12);
        assertEquals(0.375, test.get("ci").get("accuracy").get("estimate").asDouble(), 1e-12);
        assertTrue(test.get("ci").get("macroF1").has("lower"));
        assertEquals(1000, test.get("ci").get("resamples").asInt());
    }

    @Test void overwritesAtomicallyAndCleansUpOnFailure() throws Exception {
        RunFolder run = RunFolder.at(tmp.resolve("r"));
        run.writeText("report.txt", "first");
        run.writeText("report.txt", "second");
        assertEquals("second", Files.readString(run.resolve("report.txt")));
        // a non-empty folder in the target's place makes the rename fail: the temp file must go
        Files.createDirectories(run.resolve("metrics.json").resolve("blocker"));
        assertThrows(UncheckedIOException.class, () -> run.writeMetrics(sampleRun()));
        assertEquals(List.of("metrics.json", "report.txt"), listing(run.dir()));
    }

    @Test void predictionsCsvAndJson() throws Exception {
        RunFolder run = RunFolder.at(tmp.resolve("p"));
        List<String> names = List.of("NORM", "MI", "ST,TC");
        run.writePredictions(names, List.of(
                RunFolder.Prediction.argmax("101", 1, new double[]{0.2, 0.7, 0.1}),
                new RunFolder.Prediction("a,\"b\"", null, 2, new double[]{0.25, 0.25, 0.5}),
                new RunFolder.Prediction("103", 0, 0, null)));
        assertEquals(List.of("predictions.csv", "predictions.json"), listing(run.dir()));
        List<String> csv = Files.readAllLines(run.resolve("predictions.csv"));
        assertEquals(List.of(
                "id,true,true_name,predicted,predicted_name,p_NORM,p_MI,\"p_ST,TC\"",
                "101,1,MI,1,MI,0.2,0.7,0.1",
                "\"a,\"\"b\"\"\",,,2,\"ST,TC\",0.25,0.25,0.5",
                "103,0,NORM,0,NORM,,,"), csv);
        JsonNode json = MetricsJson.mapper().readTree(Files.readString(run.resolve("predictions.json")));
        assertEquals(3, json.get("classNames").size());
        JsonNode second = json.get("predictions").get(1);
        assertEquals("a,\"b\"", second.get("id").asText());
        assertTrue(second.get("trueLabel").isNull());
        assertEquals("ST,TC", second.get("predictedName").asText());
        assertEquals(0.5, second.get("probabilities").get(2).asDouble());
        assertThrows(IllegalArgumentException.class, () -> run.writePredictions(names,
                List.of(new RunFolder.Prediction("x", 0, 0, new double[]{1.0}))));
        assertThrows(IllegalArgumentException.class, () -> run.writePredictions(names,
                List.of(new RunFolder.Prediction("x", 3, 0, null))));
    }

    @Test void pretrainedProvenanceAndSelectionWithoutValidation() {
        MetricsFile m = new MetricsFile().data("PTB-XL 1.0.3 at /data/ptbxl", false).lmPretrained(Path.of("/models/gpt2"),
                "12 layers, 768 wide");
        assertFalse(m.syntheticData());
        assertEquals("PTB-XL 1.0.3 at /data/ptbxl", m.dataProvenance());
        assertEquals("pretrained LM from /models/gpt2 (12 layers, 768 wide)", m.lmProvenance());
        m.addEpoch(new MetricsFile.Epoch(1, 1.0, null, null, 1.0));
        assertEquals(-1, m.selectLowestValLoss());
        assertNull(m.selectedEpoch());
        assertEquals("SYNTHETIC data v2", new MetricsFile().data("SYNTHETIC data v2", true).dataProvenance());
    }

    /** The name a temporary file of another process (pid) of this host gets. */
    static String tempNameOf(Path target, long pid) throws Exception {
        Path mine = io.medualtime.tensor.io.AtomicFiles.newTempFile(target);
        Files.delete(mine);
        return mine.getFileName().toString().replace("-" + ProcessHandle.current().pid() + "-", "-" + pid + "-");
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test void openRefusesAFolderThatHoldsFilesUnlessResumedOrOverwritten() throws Exception {
        Path dir = tmp.resolve("run");
        RunFolder.open(dir, RunFolder.Existing.REFUSE).writeMetrics(sampleRun());
        Files.writeString(dir.resolve("stale.txt"), "old");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunFolder.open(dir, RunFolder.Existing.REFUSE));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite") && e.getMessage().contains("metrics.json"),
                e.getMessage());
        assertEquals(List.of("metrics.json", "stale.txt"), listing(RunFolder.open(dir, RunFolder.Existing.RESUME).dir()));
        Files.createDirectories(dir.resolve("coarse/data"));
        assertEquals(List.of(), listing(RunFolder.open(dir, RunFolder.Existing.OVERWRITE).dir()));

        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        assertThrows(IllegalArgumentException.class, () -> RunFolder.open(mine, RunFolder.Existing.OVERWRITE));
        assertEquals("years of work", Files.readString(mine.resolve("thesis.tex")));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThrows(IllegalArgumentException.class, () -> RunFolder.open(file, RunFolder.Existing.REFUSE));
    }

    /** A killed run's temporary files (a half-written checkpoint, a half-generated dataset) go; a live writer's stay. */
    @Test void staleTemporaryFilesOfDeadProcessesAreCleanedWhenARunOrDatasetFolderIsWritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        long dead = deadPid(), live = ProcessHandle.current().parent().orElseThrow().pid();
        Path checkpoint = Files.writeString(dir.resolve(tempNameOf(dir.resolve("model.safetensors"), dead)), "40 MB");
        Path dataset = Files.createDirectory(dir.resolve(tempNameOf(dir.resolve("data"), dead)));
        Files.writeString(dataset.resolve("signals.f32"), "244 MB");
        Path busy = Files.writeString(dir.resolve(tempNameOf(dir.resolve("metrics.json"), live)), "being written");
        RunFolder.at(dir);
        assertFalse(Files.exists(checkpoint));
        assertFalse(Files.exists(dataset));
        assertTrue(Files.exists(busy));

        Path again = Files.createDirectory(dir.resolve(tempNameOf(dir.resolve("data"), dead)));
        io.medualtime.data.SyntheticEcg.writeTo(io.medualtime.data.SyntheticConfig.DEFAULT.withSizes(2, 1, 1).withSampling(50, 10),
                dir.resolve("data"));
        assertFalse(Files.exists(again), "the dataset writer cleans its folder's stale temporary folders");
        assertTrue(Files.isRegularFile(dir.resolve("data/dataset.json")));

        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Files.writeString(fresh.resolve(tempNameOf(fresh.resolve("metrics.json"), dead)), "half");
        assertEquals(List.of(), listing(RunFolder.open(fresh, RunFolder.Existing.REFUSE).dir()),
                "only dead processes' files: an empty folder");
    }

    @Test void completionAndFailureAreRecorded() throws Exception {
        RunFolder run = RunFolder.at(tmp.resolve("r"));
        Files.writeString(run.resolve(ResumeState.FILE), "x");
        MetricsFile m = sampleRun().status(MetricsFile.RUNNING);
        run.recordFailure(m, new IllegalStateException("disk full\nsecond line"));
        assertEquals(MetricsFile.FAILED, RunFolder.readMetrics(run.dir()).status());
        assertEquals("disk full", RunFolder.readMetrics(run.dir()).error());
        IllegalStateException e = run.recordDivergence(m, new MetricsFile.Divergence(2, 7, Double.NaN), "training loss", "");
        assertTrue(e.getMessage().startsWith("training loss is NaN at epoch 2, step 7 (diverged"), e.getMessage());
        MetricsFile back = RunFolder.readMetrics(run.dir());
        assertEquals(MetricsFile.DIVERGED, back.status());
        assertEquals(new MetricsFile.Divergence(2, 7, Double.NaN), back.divergence());
        run.recordFailure(back, e);
        assertEquals(MetricsFile.DIVERGED, RunFolder.readMetrics(run.dir()).status(), "a diverged run stays diverged");
        run.complete(sampleRun());
        assertEquals(MetricsFile.COMPLETED, RunFolder.readMetrics(run.dir()).status());
        assertFalse(Files.exists(run.resolve(ResumeState.FILE)), "a completed run needs no resume checkpoint");
    }
}
