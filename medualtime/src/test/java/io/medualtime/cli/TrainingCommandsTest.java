package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import io.medualtime.data.Split;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cuda.CudaRuntime;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.RunFolder;
import io.medualtime.train.SavedRun;
import io.medualtime.train.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * End to end through the CLI on tiny SYNTHETIC sets (50 Hz, 40/20/20 records), a 1-layer random-init LM of width
 * 32 and a TemEnc of width 4: all protocols run and write well-formed metrics, checkpoints reload to the same
 * predictions, a seed reproduces its metrics, bad inputs give one-line errors.
 */
class TrainingCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TINY = {"--lm-width", "32", "--lm-layers", "1", "--lm-heads", "2", "--temenc-width", "4", "--adapter-tokens",
            "2"};
    static Path data;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String[] args(String[] head, String... more) {
        List<String> a = new ArrayList<>(Arrays.asList(head));
        a.addAll(Arrays.asList(more));
        a.addAll(Arrays.asList(TINY));
        return a.toArray(new String[0]);
    }

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        Run r = run("data", "synthetic", "--out", data.toString(), "--train", "40", "--val", "20", "--test", "20", "--hz", "50");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SYNTHETIC dataset"), r.out());
    }

    static JsonNode metrics(Path run) throws Exception { return JSON.readTree(run.resolve("metrics.json").toFile()); }

    @Test void trainWritesWellFormedMetricsAndReloadsToIdenticalPredictions(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "2", "--out", out.toString(), "--seed", "3"}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SYNTHETIC"), r.out());
        assertTrue(r.out().contains("random initialisation, NOT pretrained"), r.out());
        assertFalse(r.out().contains("GPT-2 small"), r.out());
        JsonNode m = metrics(out);
        assertEquals(3, m.get("seed").asLong());
        assertEquals(Parallel.threads(), m.get("threads").asInt());
        assertTrue(m.get("dataProvenance").asText().startsWith("SYNTHETIC"), m.toString());
        assertFalse(m.get("lmPretrained").asBoolean());
        assertEquals(2, m.get("history").size());
        int selected = m.get("selectedEpoch").asInt();
        assertTrue(selected == 1 || selected == 2);
        double v1 = m.get("history").get(0).get("valLoss").asDouble(), v2 = m.get("history").get(1).get("valLoss").asDouble();
        assertEquals(v1 <= v2 ? 1 : 2, selected, "selection must be the lowest validation loss");
        assertEquals(20, m.get("test").get("report").get("n").asInt());
        JsonNode ci = m.get("test").get("ci");
        assertTrue(ci.get("accuracy").get("lower").asDouble() <= ci.get("accuracy").get("upper").asDouble());
        assertNotNull(m.get("config").get("model"));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("run.json")));
        MetricsFile parsed = RunFolder.readMetrics(out);
        assertEquals(selected, parsed.selectedEpoch());

        // the same run through the API: a reload of the checkpoint predicts the same
        try (DiskDataset d = DiskDataset.open(data)) {
            Session a = SavedRun.open(out, d, Device.CPU), b = SavedRun.open(out, d, Device.CPU);
            Session.Scores sa = a.score(Split.TEST, 7, "a"), sb = b.score(Split.TEST, 16, "b");
            assertArrayEquals(sa.predicted(), sb.predicted());
            int[][] conf = parsed.test().report().confusion();
            int[][] again = io.medualtime.train.ClassificationReport.of(sa.truth(), sa.predicted(), d.classNames()).confusion();
            assertArrayEquals(conf, again, "the reloaded checkpoint must reproduce the test metrics of the selected epoch");
            for (int i = 0; i < sa.probabilities().length; i++) assertArrayEquals(sa.probabilities()[i], sb.probabilities()[i], 1e-5);
        }

        Run e = run("eval", "--run", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.isRegularFile(out.resolve("eval-test.json")));
        JsonNode ev = JSON.readTree(out.resolve("eval-test.json").toFile());
        assertEquals(m.get("test").get("report").get("accuracy").asDouble(), ev.get("evaluation").get("report").get("accuracy").asDouble(),
                1e-12);

        Path pred = tmp.resolve("pred.json");
        Run p = run("predict", "--run", out.toString(), "--data", data.toString(), "--format", "json", "--out", pred.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode pj = JSON.readTree(pred.toFile());
        assertEquals(80, pj.get("predictions").size());
        assertEquals(5, pj.get("predictions").get(0).get("probabilities").size());
        Path csv = tmp.resolve("pred.csv");
        assertEquals(0,
                run("predict", "--run", out.toString(), "--data", data.toString(), "--split", "test", "--out", csv.toString()).code());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("id,split,true,predicted,p_NORM,p_MI,p_STTC,p_CD,p_HYP", lines.get(0));
        assertEquals(21, lines.size());
    }

    @Test void sameSeedSameThreadsGivesIdenticalMetrics(@TempDir Path tmp) throws Exception {
        JsonNode[] ms = new JsonNode[2];
        for (int i = 0; i < 2; i++) {
            Path out = tmp.resolve("r" + i);
            Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "2", "--out", out.toString(), "--seed", "11",
                    "--mode", "dual"}));
            assertEquals(0, r.code(), r.err());
            ms[i] = metrics(out);
        }
        assertEquals(ms[0].get("test").get("report"), ms[1].get("test").get("report"));
        assertEquals(ms[0].get("test").get("ci"), ms[1].get("test").get("ci"));
        assertEquals(ms[0].get("selectedEpoch"), ms[1].get("selectedEpoch"));
        for (int e = 0; e < 2; e++)
            for (String k : List.of("trainLoss", "valLoss"))
                assertEquals(ms[0].get("history").get(e).get(k).asDouble(), ms[1].get("history").get(e).get(k).asDouble(), 1e-5,
                        "epoch " + (e + 1) + " " + k);
    }

    @Test void ablationModesRunAndSayWhatTheySee(@TempDir Path tmp) throws Exception {
        for (String mode : List.of("ts-only", "text-only")) {
            Path out = tmp.resolve(mode);
            Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString(), "--mode", mode,
                    "--label", "coarse"}));
            assertEquals(0, r.code(), r.err());
            JsonNode m = metrics(out);
            assertEquals(mode, m.get("config").get("mode").asText());
            assertEquals(4, m.get("test").get("report").get("classNames").size());
        }
    }

    @Test void transferRunsEveryKAndLoadsTheBestCheckpoint(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("transfer");
        Run r = run(args(new String[]{"transfer", "--data", data.toString(), "--epochs", "2", "--out", out.toString(), "--k", "2,4",
                "--probe-epochs", "5"}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("loaded the best checkpoint"), r.out());
        JsonNode m = metrics(out);
        assertEquals(2, m.get("extra").get("fewShot").size());
        assertEquals(10, m.get("extra").get("fewShot").get(0).get("trainRecords").asInt());
        assertEquals(20, m.get("extra").get("fewShot").get(1).get("test").get("report").get("n").asInt());
        assertEquals("coarse", metrics(out.resolve("coarse")).get("config").get("label").asText());
        // from a finished coarse run
        Path again = tmp.resolve("transfer2");
        Run r2 = run(args(new String[]{"transfer", "--checkpoint", out.resolve("coarse").toString(), "--out", again.toString(), "--k", "2",
                "--probe-epochs", "3"}));
        assertEquals(0, r2.code(), r2.err());
        assertEquals(1, metrics(again).get("extra").get("fewShot").size());
    }

    @Test void pretrainSelectsOnAllValidationBatchesAndProbes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pretrain");
        Run r = run(args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "2", "--batch-size", "8", "--out", out.toString(),
                "--probe-epochs", "5"}));
        assertEquals(0, r.code(), r.err());
        JsonNode m = metrics(out);
        assertEquals(2, m.get("history").size());
        assertEquals(0.0, m.get("history").get(0).get("extra").get("lambda").asDouble());
        assertEquals(0.1, m.get("history").get(1).get("extra").get("lambda").asDouble(), 1e-12);
        assertEquals(20, m.get("test").get("report").get("n").asInt());
        assertTrue(Files.isRegularFile(out.resolve("projection_heads.safetensors")));
    }

    /**
     * The dual model learns: on the tiny set its accuracy on the training split, evaluated in eval mode from the
     * reloaded checkpoint, is far above chance (0.2). At this size (seconds of CPU) a random-init LM memorises
     * rather than generalises (measured: test accuracy at chance), so generalisation above chance is shown by
     * the demo's scale (docs/TRAINING.md), not here.
     */
    @Test void dualModelFitsATinySetFarAboveChance(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run r = run("train", "--data", data.toString(), "--epochs", "6", "--batch-size", "8", "--lr", "3e-3", "--gamma", "0.9",
                "--out", out.toString(), "--lm-width", "32", "--lm-layers", "1", "--lm-heads", "2", "--temenc-width", "8",
                "--adapter-tokens", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, run("eval", "--run", out.toString(), "--split", "train").code());
        double acc = JSON.readTree(out.resolve("eval-train.json").toFile()).get("evaluation").get("report").get("accuracy").asDouble();
        assertTrue(acc >= 0.5, "training-split accuracy " + acc + " is not far above chance (0.2)");
    }

    @Test void malformedDataIsOneLineErrorNamingFileAndLine(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad");
        SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(4, 2, 2).withSampling(50, 10), bad);
        Path csv = bad.resolve("records.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        int row = 3;
        String[] f = lines.get(row - 1).split(",", 5);
        lines.set(row - 1, f[0] + "," + f[1] + ",BOGUS," + f[3] + "," + f[4]);
        Files.write(csv, lines);
        Run r = run("train", "--data", bad.toString(), "--epochs", "1", "--out", tmp.resolve("o").toString());
        assertEquals(2, r.code());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: ") && err.contains("records.csv") && err.contains("BOGUS"), err);
        assertTrue(err.contains("line") || err.contains(":" + row), err);
    }

    @Test void cudaWithoutAGpuIsAClearError(@TempDir Path tmp) throws Exception {
        assumeFalse(CudaRuntime.isAvailable() && !CudaRuntime.get().isEmulated(), "a CUDA device is available here");
        String[] train = {"train", "--data", data.toString(), "--device", "cuda", "--out", tmp.resolve("o").toString()};
        // when this JVM's CUDA device is the PTX emulator (the test suite's default), ask a JVM without it
        Run r = CudaRuntime.isAvailable() ? runWithoutEmulator(train) : run(train);
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("--device cuda") && err.contains("CUDA is not available"), err);
        assertEquals(2, run("train", "--data", data.toString(), "--device", "tpu").code());
    }

    /** The CLI in a child JVM with -Dmedualtime.cuda.emulate=never (same classpath). */
    static Run runWithoutEmulator(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dmedualtime.cuda.emulate=never",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        int code = p.waitFor();
        String errText = new String(err, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
        return new Run(code, new String(out, StandardCharsets.UTF_8), errText);
    }

    static void assertOneLineError(Run r, String... mentions) {
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: "), err);
        for (String m : mentions) assertTrue(err.contains(m), "'" + m + "' not in: " + err);
    }

    @Test void anExistingRunFolderIsRefusedUnlessResumedOrOverwritten(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        String[] train = args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()});
        assertEquals(0, run(train).code());
        Files.writeString(out.resolve("stale.txt"), "from an older run");
        byte[] model = Files.readAllBytes(out.resolve("model.safetensors")), metrics = Files.readAllBytes(out.resolve("metrics.json"));

        assertOneLineError(run(train), out.toString(), "--resume", "--overwrite");
        assertArrayEquals(model, Files.readAllBytes(out.resolve("model.safetensors")), "a refused run must not touch the old one");
        assertArrayEquals(metrics, Files.readAllBytes(out.resolve("metrics.json")));

        Run done = run("train", "--resume", out.toString());
        assertEquals(0, done.code(), done.err());
        assertTrue(done.out().contains("already completed"), done.out());
        assertOneLineError(run("train", "--resume", out.toString(), "--epochs", "3"), "drop --epochs");
        assertOneLineError(run("pretrain", "--resume", out.toString()), "'train' run");
        assertOneLineError(run("train", "--resume", tmp.resolve("missing").toString()), "missing", "metrics.json");

        Run over = run(args(
                new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString(), "--overwrite", "--seed", "9"}));
        assertEquals(0, over.code(), over.err());
        assertFalse(Files.exists(out.resolve("stale.txt")), "--overwrite removes the old run's files");
        assertEquals(9, metrics(out).get("seed").asInt());
        assertEquals("completed", metrics(out).get("status").asText());

        Path notARun = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notARun.resolve("notes.txt"), "mine");
        assertOneLineError(run(args(new String[]{"train", "--data", data.toString(), "--out", notARun.toString(), "--overwrite"})),
                "holds no run");
        assertEquals("mine", Files.readString(notARun.resolve("notes.txt")));
    }

    @Test void runFilesHaveTheDefaultPermissionsOfNewFilesLikeTheModel(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions
                .assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path out = tmp.resolve("run");
        assertEquals(0, run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()})).code());
        Path pred = tmp.resolve("pred.csv");
        assertEquals(0, run("predict", "--run", out.toString(), "--data", data.toString(), "--out", pred.toString()).code());
        assertEquals(0, run("eval", "--run", out.toString()).code());
        var want = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
        for (Path f : List.of(out.resolve("model.safetensors"), out.resolve("run.json"), out.resolve("metrics.json"),
                out.resolve("eval-test.json"), pred))
            assertEquals(want, Files.getPosixFilePermissions(f), f.toString());
    }

    @Test void badOptionValuesAreOneLineErrorsBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("never");
        String d = data.toString(), o = out.toString();
        List<String[]> bad = List.of(
                new String[]{"train", "--data", d, "--out", o, "--weight-decay", "-5", "|--weight-decay"},
                new String[]{"train", "--data", d, "--out", o, "--lr", "NaN", "|--lr"},
                new String[]{"train", "--data", d, "--out", o, "--lr", "0", "|--lr"},
                new String[]{"train", "--data", d, "--out", o, "--gamma", "0", "|--gamma"},
                new String[]{"train", "--data", d, "--out", o, "--epochs", "0", "|--epochs"},
                new String[]{"train", "--data", d, "--out", o, "--batch-size", "-1", "|--batch-size"},
                new String[]{"demo", "--data", d, "--out", o, "--weight-decay", "Infinity", "|--weight-decay"},
                new String[]{"pretrain", "--data", d, "--out", o, "--temperature", "-1", "|--temperature"},
                new String[]{"pretrain", "--data", d, "--out", o, "--lambda", "NaN", "|--lambda"},
                new String[]{"pretrain", "--data", d, "--out", o, "--noise", "-0.5", "|--noise"},
                new String[]{"pretrain", "--data", d, "--out", o, "--batch-size", "1", "|--batch-size"},
                new String[]{"pretrain", "--data", d, "--out", o, "--probe-lr", "-1", "|--probe-lr"},
                new String[]{"transfer", "--data", d, "--out", o, "--probe-gamma", "2", "|--probe-gamma"},
                new String[]{"transfer", "--data", d, "--out", o, "--probe-epochs", "0", "|--probe-epochs"},
                new String[]{"transfer", "--data", d, "--out", o, "--k", "5,0", "|--k"},
                new String[]{"transfer", "--data", d, "--out", o, "--weight-decay", "-1", "|--weight-decay"});
        for (String[] b : bad) {
            String option = b[b.length - 1].substring(1);
            assertOneLineError(run(args(Arrays.copyOf(b, b.length - 1))), option);
            assertFalse(Files.exists(out), String.join(" ", b) + " wrote its run folder");
        }
    }

    @Test void anEmptyValidationSplitStopsTheRunBeforeTheFirstEpoch(@TempDir Path tmp) throws Exception {
        Path noVal = tmp.resolve("noval");
        assertEquals(0,
                run("data", "synthetic", "--out", noVal.toString(), "--train", "20", "--val", "0", "--test", "10", "--hz", "50").code());
        for (String command : List.of("train", "pretrain", "transfer")) {
            Path out = tmp.resolve(command);
            Run r = run(args(new String[]{command, "--data", noVal.toString(), "--epochs", "2", "--out", out.toString()}));
            assertOneLineError(r, "val split is empty");
            assertFalse(r.out().contains("epoch 1/") || r.out().contains("epoch  1/"), command + " trained before it noticed:\n" + r.out());
            assertFalse(Files.exists(out.resolve("model.safetensors")), command);
        }
        assertEquals("failed", metrics(tmp.resolve("train")).get("status").asText());
        assertTrue(metrics(tmp.resolve("train")).get("error").asText().contains("val split is empty"));
    }

    @Test void aDivergedRunSaysWhereInMetricsJson(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "3", "--lr", "1e30", "--out", out.toString()}));
        assertOneLineError(r, "diverged", "metrics.json");
        JsonNode m = metrics(out);
        assertEquals("diverged", m.get("status").asText(), m.toString());
        assertEquals(1, m.get("divergence").get("epoch").asInt(), m.toString());
        assertTrue(m.get("divergence").has("step") && m.get("divergence").has("loss"), m.toString());
        String loss = m.get("divergence").get("loss").asText();
        assertTrue(loss.equals("NaN") || loss.contains("Infinity"), loss);
    }

    @Test void demoPrintsTheHonestHeaderAndTheTable(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("demo");
        Run r = run(args(new String[]{"demo", "--data", data.toString(), "--epochs", "1", "--out", out.toString()}));
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.contains("RANDOM initialisation, NOT pretrained GPT-2"), o);
        assertTrue(o.contains("SYNTHETIC data; random-init LM"), o);
        for (String mode : List.of("dual", "ts-only", "text-only")) {
            assertTrue(o.contains(mode + " ("), o);
            assertTrue(Files.isRegularFile(out.resolve(mode).resolve("metrics.json")), mode);
        }
        assertTrue(o.contains("dual vs ts-only"), o);
    }
}
