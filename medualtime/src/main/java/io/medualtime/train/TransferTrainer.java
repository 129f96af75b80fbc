package io.medualtime.train;

import io.medualtime.data.Split;
import io.medualtime.tensor.Rng;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Few-shot label transfer, coarse -> fine (MEDUALTIME.md): the session's model (trained on the coarse label, its
 * best checkpoint LOADED by the caller) is frozen; every split is embedded once (z of the session's mode, eval
 * mode); then, for each K, K records per fine class are drawn from the training split (seeded) and a new linear
 * head is fitted on the fine label ({@link LinearProbe}, selection by the loss on the whole validation split) and
 * scored on the test split.
 */
public final class TransferTrainer {
    private TransferTrainer() {}

    /** One K's result. */
    public record Shot(int k, int trainRecords, int selectedEpoch, double valLoss, MetricsFile.Evaluation test) {}

    public static List<Shot> run(Session s, List<Integer> ks, LinearProbe.Options o, long seed, MetricsFile metrics, PrintStream log) {
        int[] trainIdx = s.data.indices(Split.TRAIN), valIdx = s.data.indices(Split.VAL), testIdx = s.data.indices(Split.TEST);
        float[][] zTrain = s.embeddings(trainIdx, 64, "embed train (frozen)");
        float[][] zVal = s.embeddings(valIdx, 64, "embed val (frozen)");
        float[][] zTest = s.embeddings(testIdx, 64, "embed test (frozen)");
        List<String> fine = LabelKind.FINE.classNames(s.data);
        int[] yTrain = LabelKind.FINE.labels(s.data, trainIdx), yVal = LabelKind.FINE.labels(s.data, valIdx), yTest = LabelKind.FINE.labels(s.data, testIdx);
        Map<Integer, Integer> pos = new LinkedHashMap<>();
        for (int i = 0; i < trainIdx.length; i++) pos.put(trainIdx[i], i);
        metrics.config("transfer", Map.of("ks", ks, "probe", o, "target_label", "fine", "embedding", "z of mode " + s.mode.cliName()));
        List<Shot> shots = new ArrayList<>();
        List<Map<String, Object>> json = new ArrayList<>();
        try (Progress p = Progress.start("few-shot heads (K = " + ks + ")", ks.size())) {
            for (int k : ks) {
                int[] chosen = LinearProbe.sampleK(trainIdx, yTrain, fine.size(), k, new Rng(seed * 1000003L + k));
                float[][] x = new float[chosen.length][];
                int[] y = new int[chosen.length];
                for (int i = 0; i < chosen.length; i++) {
                    int r = pos.get(chosen[i]);
                    x[i] = zTrain[r];
                    y[i] = yTrain[r];
                }
                LinearProbe.Result r = LinearProbe.fit(x, y, zVal, yVal, zTest, fine.size(), o, seed + k);
                MetricsFile.Evaluation ev = MetricsFile.Evaluation.of(yTest, r.predicted(), fine, seed);
                shots.add(new Shot(k, chosen.length, r.selectedEpoch(), r.valLoss(), ev));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("k", k);
                row.put("trainRecords", chosen.length);
                row.put("selectedEpoch", r.selectedEpoch());
                row.put("valLoss", r.valLoss());
                row.put("test", ev);
                json.add(row);
                log.printf(Locale.ROOT, "[transfer] K=%3d per class (%d records): selected probe epoch %d (val loss %.4f); test accuracy %.4f, macro-F1 %.4f%n",
                        k, chosen.length, r.selectedEpoch(), r.valLoss(), ev.report().accuracy(), ev.report().macroF1());
                p.step();
            }
        }
        metrics.extra("fewShot", json);
        return shots;
    }
}
