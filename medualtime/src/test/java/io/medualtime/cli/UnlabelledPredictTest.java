package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.EcgDataException;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;

import static io.medualtime.cli.PinnedRunsTest.assertOneLineError;
import static io.medualtime.cli.PinnedRunsTest.json;
import static io.medualtime.cli.TrainingCommandsTest.Run;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** predict on records without labels (both label fields empty), with logits and the fused embedding. */
class UnlabelledPredictTest {
    static Path data, unlabelled, runDir;

    @BeforeAll static void tinyRun(@TempDir Path tmp) throws Exception {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(24, 12, 12).withSampling(50, 10), data);
        unlabelled = withoutLabels(data, tmp.resolve("unlabelled"), i -> true);
        runDir = PinnedRunsTest.train(tmp.resolve("run"), data);
    }

    /** A copy of {@code from} whose records {@code drop} selects have both labels empty (class_counts left out). */
    static Path withoutLabels(Path from, Path to, IntPredicate drop) throws Exception {
        Files.createDirectories(to);
        Files.copy(from.resolve("signals.f32"), to.resolve("signals.f32"));
        ObjectNode meta = (ObjectNode) json(from.resolve("dataset.json"));
        meta.remove("class_counts");
        Files.writeString(to.resolve("dataset.json"), meta.toPrettyString());
        StringBuilder csv = new StringBuilder("id,split,fine_label,coarse_label,report\n");
        try (Dataset d = DiskDataset.open(from)) {
            for (int i = 0; i < d.size(); i++) {
                boolean none = drop.test(i);
                csv.append(d.id(i)).append(',').append(d.split(i).diskName()).append(',')
                        .append(none ? "" : d.classNames().get(d.fineLabel(i))).append(',')
                        .append(none ? "" : d.coarseClassNames().get(d.coarseLabel(i))).append(',')
                        .append('"').append(d.report(i).replace("\"", "\"\"")).append("\"\n");
            }
        }
        Files.writeString(to.resolve("records.csv"), csv);
        return to;
    }

    @Test void theFormatMarksAnUnlabelledRecordWithBothLabelsEmpty(@TempDir Path tmp) throws Exception {
        try (Dataset d = DiskDataset.open(unlabelled)) {
            assertFalse(d.labelled(0));
            assertEquals(Dataset.UNLABELLED, d.coarseLabel(0));
            assertTrue(d.summary().contains("unlabelled=24"), d.summary());
        }
        Path half = withoutLabels(data, tmp.resolve("half"), i -> false);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(half.resolve("records.csv")));
        String[] f = lines.get(1).split(",", 5);
        lines.set(1, f[0] + "," + f[1] + ",," + f[3] + "," + f[4]);   // fine label empty, coarse label kept
        Files.write(half.resolve("records.csv"), lines);
        EcgDataException e = assertThrows(EcgDataException.class, () -> DiskDataset.open(half));
        assertTrue(e.getMessage().contains("fine_label") && e.getMessage().contains("both empty"), e.getMessage());
    }

    @Test void trainingAndEvalRefuseUnlabelledRecordsInOneLine(@TempDir Path tmp) {
        assertOneLineError(run(TrainingCommandsTest.args(new String[]{"train", "--data", unlabelled.toString(), "--epochs", "1",
                "--out", tmp.resolve("r").toString()})), "has no label", "predict works without");
        assertOneLineError(run("eval", "--run", runDir.toString(), "--data", unlabelled.toString()), "have no label", "eval needs labels");
    }

    @Test void predictWritesTheSamePredictionsWithoutLabelsPlusLogitsAndEmbeddings(@TempDir Path tmp) throws Exception {
        Path labelledJson = tmp.resolve("l.json"), unlabelledJson = tmp.resolve("u.json"), unlabelledCsv = tmp.resolve("u.csv");
        Run l = run("predict", "--run", runDir.toString(), "--data", data.toString(), "--format", "json", "--out", labelledJson.toString());
        assertEquals(0, l.code(), l.err());
        Run u = run("predict", "--run", runDir.toString(), "--data", unlabelled.toString(), "--format", "json", "--logits", "--embedding",
                "--out", unlabelledJson.toString());
        assertEquals(0, u.code(), u.err());
        assertTrue(u.out().contains("no stored labels to compare with"), u.out());
        JsonNode a = json(labelledJson).get("predictions"), b = json(unlabelledJson).get("predictions");
        assertEquals(48, b.size());
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = a.get(i), y = b.get(i);
            assertEquals(x.get("id"), y.get("id"));
            assertEquals(x.get("predicted"), y.get("predicted"));
            assertEquals(x.get("probabilities"), y.get("probabilities"));
            assertFalse(x.has("logits") || x.has("embedding"), "only when asked for");
            assertTrue(y.get("true").isNull(), y.toString());
            assertEquals(32, y.get("embedding").size(), "the LM width");
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (JsonNode v : y.get("logits")) max = Math.max(max, v.asDouble());
            for (JsonNode v : y.get("logits")) sum += Math.exp(v.asDouble() - max);
            for (int k = 0; k < 5; k++)
                assertEquals(y.get("probabilities").get(k).asDouble(), Math.exp(y.get("logits").get(k).asDouble() - max) / sum, 1e-5);
        }

        Run c = run("predict", "--run", runDir.toString(), "--data", unlabelled.toString(), "--logits", "--embedding", "--out",
                unlabelledCsv.toString());
        assertEquals(0, c.code(), c.err());
        List<String> rows = Files.readAllLines(unlabelledCsv);
        String header = rows.get(0);
        assertTrue(
                header.startsWith(
                        "id,split,true,predicted,p_NORM,p_MI,p_STTC,p_CD,p_HYP,logit_NORM,logit_MI,logit_STTC,logit_CD,logit_HYP,z_0,"),
                header);
        assertTrue(header.endsWith(",z_31"), header);
        String[] first = rows.get(1).split(",");
        assertEquals(4 + 5 + 5 + 32, first.length);
        assertEquals("", first[2], "no stored label");
        assertEquals(b.get(0).get("predicted").asText(), first[3]);
    }
}
