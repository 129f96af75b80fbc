package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.medualtime.cli.TrainingCommandsTest.Run;
import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Pinned runs through the CLI: a run records the fingerprints of its frozen LM, text encoder and data; eval,
 * predict and transfer --checkpoint refuse changed inputs with one line naming what changed and the override flag,
 * and record an override; a NaN in the checkpoint or in the outputs is an error, and nothing is written.
 */
class PinnedRunsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) throws Exception {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(24, 12, 12).withSampling(50, 10), data);
    }

    static Path train(Path out, Path dataFolder, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", dataFolder.toString(), "--epochs", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        Run r = run(args(a.toArray(new String[0])));
        assertEquals(0, r.code(), r.err());
        return out;
    }

    static void assertOneLineError(Run r, String... parts) {
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().filter(l -> l.startsWith("error:") || l.startsWith("\tat ")).count(), err);
        String line = err.lines().filter(l -> l.startsWith("error:")).findFirst().orElse("");
        for (String p : parts) assertTrue(line.contains(p), "'" + p + "' not in: " + err);
    }

    static JsonNode json(Path f) throws Exception { return JSON.readTree(f.toFile()); }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A Hugging Face style GPT-2 folder (config.json + model.safetensors) with random weights; {@code bump} shifts one weight. */
    static void writeLm(Path dir, float bump) throws Exception {
        Files.createDirectories(dir);
        Gpt2Config cfg = Gpt2Config.of(50257, 1024, 32, 1, 2);
        cfg.save(dir);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, Tensor> e : new Gpt2(cfg, new Rng(5)).stateDict().entrySet()) {
            float[] v = e.getValue().toArray();
            if (e.getKey().equals("ln_f.bias")) v[0] += bump;
            int[] s = e.getValue().shape();
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) shape[i] = s[i];
            w.addFloat(e.getKey(), v, shape);
        }
        w.write(dir.resolve("model.safetensors"));
    }

    @Test void aChangedLmIsRefusedByEvalPredictAndTransferUnlessOverriddenAndTheOverrideIsRecorded(@TempDir Path tmp) throws Exception {
        Path lm = tmp.resolve("gpt2");
        writeLm(lm, 0f);
        Path out = train(tmp.resolve("run"), data, "--lm", lm.toString(), "--label", "coarse");
        JsonNode pins = json(out.resolve("run.json")).get("pins");
        assertTrue(pins.get("lm").get("files").has("model.safetensors"), pins.toString());
        assertTrue(pins.get("lm").get("files").has("config.json"), pins.toString());
        assertEquals(data.toAbsolutePath().normalize().toString(), pins.get("dataFolder").asText());
        assertEquals(json(out.resolve("metrics.json")).get("config").get("pins").get("lm").get("sha256"), pins.get("lm").get("sha256"));
        assertEquals(0, run("eval", "--run", out.toString()).code());
        assertTrue(strings(json(out.resolve("eval-test.json")).get("pins").get("unverified")).isEmpty());

        writeLm(lm, 0.5f);   // the LM's weights edited in place
        Files.delete(out.resolve("eval-test.json"));
        assertOneLineError(run("eval", "--run", out.toString()), "frozen LM", "model.safetensors changed", "--allow-changed-weights");
        assertFalse(Files.exists(out.resolve("eval-test.json")), "a refused eval writes nothing");
        Path csv = tmp.resolve("p.csv");
        assertOneLineError(run("predict", "--run", out.toString(), "--data", data.toString(), "--out", csv.toString()),
                "frozen LM", "--allow-changed-weights");
        assertOneLineError(
                run(args(new String[]{"transfer", "--checkpoint", out.toString(), "--out", tmp.resolve("t").toString(), "--k", "2",
                        "--probe-epochs", "2"})),
                "frozen LM", "--allow-changed-weights");

        Run e = run("eval", "--run", out.toString(), "--allow-changed-weights");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.err().contains("warning: the frozen LM"), e.err());
        assertEquals(List.of("lm"), strings(json(out.resolve("eval-test.json")).get("pins").get("unverified")));
        Run p = run("predict", "--run", out.toString(), "--data", data.toString(), "--out", csv.toString(), "--allow-changed-weights");
        assertEquals(0, p.code(), p.err());
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).endsWith(",unverified"), lines.get(0));
        assertTrue(lines.get(1).endsWith(",lm"), lines.get(1));
        Path t = tmp.resolve("t2");
        Run tr = run(args(new String[]{"transfer", "--checkpoint", out.toString(), "--out", t.toString(), "--k", "2", "--probe-epochs", "2",
                "--allow-changed-weights"}));
        assertEquals(0, tr.code(), tr.err());
        assertEquals(List.of("lm"), strings(json(t.resolve("metrics.json")).get("config").get("pins").get("unverified")));
    }

    @Test void changedDataInTheRunsFolderIsRefusedByEvalButAnotherDatasetIsRecorded(@TempDir Path tmp) throws Exception {
        Path mine = copy(data, tmp.resolve("data"));
        Path out = train(tmp.resolve("run"), mine);
        Path csv = mine.resolve("records.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(1, "edited-" + lines.get(1));   // one record's id changed in place
        Files.write(csv, lines);

        assertOneLineError(run("eval", "--run", out.toString()), "dataset", "records.csv changed", "--allow-changed-data");
        Run e = run("eval", "--run", out.toString(), "--allow-changed-data");
        assertEquals(0, e.code(), e.err());
        assertEquals(List.of("data"), strings(json(out.resolve("eval-test.json")).get("pins").get("unverified")));

        // the original folder holds the data the run was trained on: verified although the path differs
        assertEquals(0, run("eval", "--run", out.toString(), "--data", data.toString()).code());
        assertTrue(strings(json(out.resolve("eval-test.json")).get("pins").get("unverified")).isEmpty());

        // predict is for new data: never refused, its fingerprint is recorded
        Path pj = tmp.resolve("p.json");
        Run p = run("predict", "--run", out.toString(), "--data", mine.toString(), "--format", "json", "--out", pj.toString());
        assertEquals(0, p.code(), p.err());
        JsonNode pins = json(pj).get("pins");
        assertEquals(List.of("data"), strings(pins.get("unverified")));
        assertNotEquals(json(out.resolve("run.json")).get("pins").get("data").get("sha256"), pins.get("data").get("sha256"));
        Path pc = tmp.resolve("p.csv");
        assertEquals(0, run("predict", "--run", out.toString(), "--data", mine.toString(), "--out", pc.toString()).code());
        assertFalse(Files.readAllLines(pc).get(0).contains("unverified"), "new data alone does not mark the predictions");
    }

    @Test void aRandomLmThatNoLongerGeneratesTheTrainedWeightsIsRefused(@TempDir Path tmp) throws Exception {
        Path out = train(tmp.resolve("run"), data);
        ObjectNode spec = (ObjectNode) json(out.resolve("run.json"));
        ((ObjectNode) spec.get("pins").get("lm")).put("sha256", "0".repeat(64));   // as if trained by a generator that gave other weights
        Files.writeString(out.resolve("run.json"), spec.toPrettyString());
        assertOneLineError(run("eval", "--run", out.toString()), "random-init LM", "--allow-changed-weights");
    }

    @Test void aRunWithoutPinsLoadsWithOneWarningAndIsMarkedUnverified(@TempDir Path tmp) throws Exception {
        Path out = train(tmp.resolve("run"), data);
        ObjectNode spec = (ObjectNode) json(out.resolve("run.json"));
        spec.remove("pins");
        Files.writeString(out.resolve("run.json"), spec.toPrettyString());
        Run e = run("eval", "--run", out.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(1, e.err().lines().filter(l -> l.startsWith("warning:") && l.contains("no fingerprints")).count(), e.err());
        assertEquals(List.of("lm", "data"), strings(json(out.resolve("eval-test.json")).get("pins").get("unverified")));
    }

    @Test void aNanInTheCheckpointIsAnErrorNamingTheTensorAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path out = train(tmp.resolve("run"), data);
        rewriteHead(out, v -> v[3] = Float.NaN);
        assertOneLineError(run("eval", "--run", out.toString()), "head.weight", "NaN");
        assertFalse(Files.exists(out.resolve("eval-test.json")));
        Path csv = tmp.resolve("p.csv");
        assertOneLineError(run("predict", "--run", out.toString(), "--data", data.toString(), "--out", csv.toString()), "head.weight");
        assertFalse(Files.exists(csv));
    }

    /** Finite weights so large that the logits overflow: the probabilities would be NaN. */
    @Test void nonFiniteOutputsAreAnErrorBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path out = train(tmp.resolve("run"), data);
        rewriteHead(out, v -> { for (int i = 0; i < v.length; i++) v[i] = i % 2 == 0 ? 3e38f : -3e38f; });
        assertOneLineError(run("eval", "--run", out.toString()), "class probabilities", "nothing was written");
        assertFalse(Files.exists(out.resolve("eval-test.json")));
        Path csv = tmp.resolve("p.csv");
        assertOneLineError(run("predict", "--run", out.toString(), "--data", data.toString(), "--out", csv.toString()),
                "class probabilities");
        assertFalse(Files.exists(csv), "no predictions with NaN probabilities");
    }

    /** Rewrites the run's checkpoint with head.weight edited. */
    static void rewriteHead(Path run, java.util.function.Consumer<float[]> edit) throws Exception {
        Path ckpt = run.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(ckpt)) {
            for (String name : f.names()) {
                if (name.endsWith("num_batches_tracked")) {
                    w.addLong(name, new long[]{f.readInt(name)[0]});
                    continue;
                }
                float[] v = f.readFloat(name);
                if (name.equals("head.weight")) edit.accept(v);
                w.addFloat(name, v, f.info(name).shape());
            }
        }
        w.write(ckpt);
    }

    static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.sorted(Comparator.naturalOrder()).toList())
                if (!f.getFileName().toString().startsWith(".")) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }
}
