package io.medualtime.train;

import io.medualtime.data.DataChecks;
import io.medualtime.data.Split;
import io.medualtime.tensor.Rng;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
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

    /**
     * Runs the few-shot protocol for every K in {@code ks}, writing {@code metrics.json} ({@code extra.fewShot},
     * one row per K) and a {@link ResumeState} into {@code run} after each K; a run folder that holds one continues
     * with the next K (each K draws from its own seeds, so the rows are those of an uninterrupted run). The data is
     * checked first. The run stays {@link MetricsFile#RUNNING}: the caller completes it.
     */
    public static List<Shot> run(Session s, List<Integer> ks, LinearProbe.Options o, long seed, RunFolder run, MetricsFile metrics, PrintStream log) {
        return run.recordingFailure(metrics, () -> runOrThrow(s, ks, o, seed, run, metrics, log));
    }

    private static List<Shot> runOrThrow(Session s, List<Integer> ks, LinearProbe.Options o, long seed, RunFolder run, MetricsFile metrics,
                                         PrintStream log) {
        DataChecks.requireUsable(s.data, EnumSet.allOf(Split.class));
        for (int k : ks) Checks.atLeast("--k", k, 1);
        s.precomputeTextVectors();
        int[] trainIdx = s.data.indices(Split.TRAIN), valIdx = s.data.indices(Split.VAL), testIdx = s.data.indices(Split.TEST);
        float[][] zTrain = s.embeddings(trainIdx, 64, "embed train (frozen)");
        float[][] zVal = s.embeddings(valIdx, 64, "embed val (frozen)");
        float[][] zTest = s.embeddings(testIdx, 64, "embed test (frozen)");
        List<String> fine = LabelKind.FINE.classNames(s.data);
        int[] yTrain = LabelKind.FINE.labels(s.data, trainIdx), yVal = LabelKind.FINE.labels(s.data, valIdx), yTest = LabelKind.FINE.labels(s.data, testIdx);
        Map<Integer, Integer> pos = new LinkedHashMap<>();
        for (int i = 0; i < trainIdx.length; i++) pos.put(trainIdx[i], i);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ks", ks);
        config.put("probe", o);
        config.put("target_label", "fine");
        config.put("embedding", "z of mode " + s.mode.cliName());
        metrics.config("transfer", config).status(MetricsFile.RUNNING);
        ResumeState state = new ResumeState();
        ResumeState.Saved from = state.restore(run);
        List<Shot> shots = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        if (from != null) {
            metrics.restoreFrom(from.metrics());
            for (Object row : (List<?>) metrics.extra().getOrDefault(FEW_SHOT, List.of())) {
                json.add(row);
                shots.add(shot((Map<?, ?>) row));
            }
            log.println("[transfer] resuming after K = " + shots.stream().map(Shot::k).toList());
        } else {
            run.writeMetrics(metrics);
        }
        try (Progress p = Progress.start("few-shot heads (K = " + ks + ")", ks.size())) {
            p.step(shots.size());
            for (int i = shots.size(); i < ks.size(); i++) {
                int k = ks.get(i);
                int[] chosen = LinearProbe.sampleK(trainIdx, yTrain, fine.size(), k, new Rng(seed * 1000003L + k));
                float[][] x = new float[chosen.length][];
                int[] y = new int[chosen.length];
                for (int j = 0; j < chosen.length; j++) {
                    int r = pos.get(chosen[j]);
                    x[j] = zTrain[r];
                    y[j] = yTrain[r];
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
                metrics.extra(FEW_SHOT, json);
                run.writeMetrics(metrics);
                state.save(run, new ResumeState.Saved(i + 1, Double.POSITIVE_INFINITY, -1, Map.of(), metrics));
                p.step();
            }
        }
        metrics.extra(FEW_SHOT, json);
        return shots;
    }

    private static final String FEW_SHOT = "fewShot";

    /** A row of {@code extra.fewShot} read back from a checkpoint. */
    private static Shot shot(Map<?, ?> row) {
        return new Shot(((Number) row.get("k")).intValue(), ((Number) row.get("trainRecords")).intValue(), ((Number) row.get("selectedEpoch")).intValue(),
                MetricsJson.mapper().convertValue(row.get("valLoss"), Double.class),
                MetricsJson.mapper().convertValue(row.get("test"), MetricsFile.Evaluation.class));
    }
}
