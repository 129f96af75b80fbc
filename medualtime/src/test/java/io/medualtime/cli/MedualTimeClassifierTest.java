package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.EcgRecord;
import io.medualtime.data.Split;
import io.medualtime.train.MedualTimeClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.medualtime.cli.TrainingCommandsTest.JSON;
import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** The embedding facade gives what {@code predict} writes for the same records, from any thread. */
class MedualTimeClassifierTest {

    @Test void classifyGivesPredictsProbabilities(@TempDir Path tmp) throws Exception {
        TrainingCommandsTest.tinyData(tmp.resolve("d"));
        Path data = TrainingCommandsTest.data, out = tmp.resolve("run"), pred = tmp.resolve("pred.json");
        assertEquals(0, run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()})).code());
        assertEquals(0, run("predict", "--run", out.toString(), "--data", data.toString(), "--split", "test", "--format", "json",
                "--out", pred.toString()).code());
        JsonNode rows = JSON.readTree(pred.toFile()).get("predictions");

        MedualTimeClassifier model = MedualTimeClassifier.open(out);
        assertEquals(List.of("NORM", "MI", "STTC", "CD", "HYP"), model.classNames());
        List<float[][]> ecgs = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        try (DiskDataset d = DiskDataset.open(data)) {
            for (EcgRecord r : d.records(Split.TEST)) {
                ecgs.add(r.signal());
                reports.add(r.report());
            }
        }
        List<MedualTimeClassifier.Result> got = model.classify(ecgs, reports);
        assertEquals(rows.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            JsonNode want = rows.get(i);
            assertEquals(want.get("predicted").asText(), got.get(i).className(), "record " + i);
            for (int k = 0; k < 5; k++)
                assertEquals(want.get("probabilities").get(k).asDouble(), got.get(i).probabilities()[k], 1e-5,
                        "record " + i + " class " + k);
            assertEquals(model.leads() > 0 ? got.get(i).embedding().length : -1, 32);   // the LM's width (TINY: 32)
        }

        // one at a time, from several threads: the same numbers
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<MedualTimeClassifier.Result>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int j = i;
                fs.add(pool.submit(() -> model.classify(ecgs.get(j), reports.get(j))));
            }
            for (int i = 0; i < fs.size(); i++) assertArrayEquals(got.get(i).probabilities(), fs.get(i).get().probabilities(), 1e-5);
        } finally {
            pool.shutdown();
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.classify(new float[3][5], "x"));
        assertEquals("ECG 0 has 3 leads; the model expects 12", e.getMessage());
    }
}
