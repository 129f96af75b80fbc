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
 * Few-shot label transfer, coarse -> fine (docs/MODEL.md): the session's model (trained on the coarse label, its
 * best checkpoint LOADED by the caller) is frozen; every split is embedded once (z of the session's mode, eval
 * mode); then, for each K, K records per fine class are drawn from the training split ({@link Draws}: seeded,
 * nested across K or not, once or repeatedly) and a new linear head is fitted on the fine label ({@link LinearProbe}, selection by the loss on the whole validation split) and
 * scored on the test split.
 */
public final class TransferTrainer {
    private TransferTrainer() {}

    /** One K's result: that of the first draw, and the spread over all draws ({@code repeats}; null for one draw). */
    public record Shot(int k, int trainRecords, int selectedEpoch, double valLoss, MetricsFile.Evaluation test, Repeats repeats) {}

    /**
     * How the K records per class are drawn, {@code count} times per K: nested across K as the official code does
     * (class c shuffled by seed {@value #OFFICIAL_BASE} + c, whatever --seed; draw d > 0 uses base
     * {@value #OFFICIAL_BASE} + 1000 d) or independently per K (seeded by --seed, K and the draw).
     */
    public record Draws(boolean nested, int count) {
        public static final long OFFICIAL_BASE = 42;
        /** One independent draw per K: what runs without options. */
        public static final Draws DEFAULT = new Draws(false, 1);

        public Draws { Checks.atLeast("--draws", count, 1); }

        int[] sample(int[] pool, int[] labels, int classes, int k, long seed, int draw) {
            return nested
                    ? LinearProbe.sampleNested(pool, labels, classes, k, OFFICIAL_BASE + 1000L * draw)
                    : LinearProbe.sampleK(pool, labels, classes, k, new Rng((seed + 7919L * draw) * 1000003L + k));
        }

        public String describe() { return (nested ? "nested across K (seed 42 + class)" : "independent per K") + ", " + count + " per K"; }
    }

    /**
     * Runs the few-shot protocol for every K in {@code ks}, writing {@code metrics.json} ({@code extra.fewShot},
     * one row per K) and a {@link ResumeState} into {@code run} after each K; a run folder that holds one continues
     * with the next K (each K draws from its own seeds, so the rows are those of an uninterrupted run). The data is
     * checked first. The run stays {@link MetricsFile#RUNNING}: the caller completes it.
     */
    public static List<Shot> run(Session s, List<Integer> ks, LinearProbe.Options o, long seed, RunFolder run, MetricsFile metrics,
            PrintStream log) {
        return run(s, ks, o, Draws.DEFAULT, seed, run, metrics, log);
    }

    /** As {@link #run(Session, List, LinearProbe.Options, long, RunFolder, MetricsFile, PrintStream)}, drawing the records as {@code draws} says. */
    public static List<Shot> run(Session s, List<Integer> ks, LinearProbe.Options o, Draws draws, long seed, RunFolder run,
            MetricsFile metrics,
            PrintStream log) {
        return run.recordingFailure(metrics, () -> runOrThrow(s, ks, o, draws, seed, run, metrics, log));
    }

    private static List<Shot> runOrThrow(Session s, List<Integer> ks, LinearProbe.Options o, Draws draws, long seed, RunFolder run,
            MetricsFile metrics,
            PrintStream log) {
        DataChecks.requireUsable(s.data, EnumSet.allOf(Split.class));
        for (int k : ks) Checks.atLeast("--k", k, 1);
        s.precomputeTextVectors();
        int[] trainIdx = s.data.indices(Split.TRAIN), valIdx = s.data.indices(Split.VAL), testIdx = s.data.indices(Split.TEST);
        float[][] zTrain = s.embeddings(trainIdx, 64, "embed train (frozen)");
        float[][] zVal = s.embeddings(valIdx, 64, "embed val (frozen)");
        float[][] zTest = s.embeddings(testIdx, 64, "embed test (frozen)");
        List<String> fine = LabelKind.FINE.classNames(s.data);
        int[] yTrain = LabelKind.FINE.labels(s.data, trainIdx), yVal = LabelKind.FINE.labels(s.data, valIdx),
                yTest = LabelKind.FINE.labels(s.data, testIdx);
        Map<Integer, Integer> pos = new LinkedHashMap<>();
        for (int i = 0; i < trainIdx.length; i++) pos.put(trainIdx[i], i);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ks", ks);
        config.put("probe", o);
        config.put("draws", draws.describe());
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
                Map<String, Object> row = null;
                Shot first = null;
                List<Map<String, Object>> perDraw = new ArrayList<>();
                List<ClassificationReport> reports = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                for (int d = 0; d < draws.count(); d++) {
                    int[] chosen = draws.sample(trainIdx, yTrain, fine.size(), k, seed, d);
                    float[][] x = new float[chosen.length][];
                    int[] y = new int[chosen.length];
                    for (int j = 0; j < chosen.length; j++) {
                        int r = pos.get(chosen[j]);
                        x[j] = zTrain[r];
                        y[j] = yTrain[r];
                    }
                    LinearProbe.Result r = LinearProbe.fit(x, y, zVal, yVal, zTest, fine.size(), o, seed + k + 7919L * d);
                    MetricsFile.Evaluation ev = MetricsFile.Evaluation.of(yTest, r.predicted(), fine, seed);
                    Map<String, Object> one = new LinkedHashMap<>();
                    if (d > 0) one.put("draw", d);
                    else one.put("k", k);
                    one.put("trainRecords", chosen.length);
                    one.put("selectedEpoch", r.selectedEpoch());
                    one.put("valLoss", r.valLoss());
                    if (d == 0) {
                        one.put("test", ev);
                        row = one;
                        first = new Shot(k, chosen.length, r.selectedEpoch(), r.valLoss(), ev, null);
                    } else {
                        one.put("accuracy", ev.report().accuracy());
                        one.put("macroF1", ev.report().macroF1());
                        perDraw.add(one);
                    }
                    reports.add(ev.report());
                    ids.add((long) d);
                    log.printf(Locale.ROOT,
                            "[transfer] K=%3d per class (%d records%s): selected probe epoch %d (val loss %.4f); test accuracy %.4f, macro-F1 %.4f%n",
                            k, chosen.length, draws.count() > 1 ? ", draw " + d : "", r.selectedEpoch(), r.valLoss(),
                            ev.report().accuracy(), ev.report().macroF1());
                }
                Repeats spread = draws.count() > 1 ? Repeats.of("draw", ids, reports) : null;
                if (spread != null) {
                    row.put("otherDraws", perDraw);
                    row.put("repeats", spread);
                }
                shots.add(new Shot(k, first.trainRecords(), first.selectedEpoch(), first.valLoss(), first.test(), spread));
                json.add(row);
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
        return new Shot(((Number) row.get("k")).intValue(), ((Number) row.get("trainRecords")).intValue(),
                ((Number) row.get("selectedEpoch")).intValue(),
                MetricsJson.mapper().convertValue(row.get("valLoss"), Double.class),
                MetricsJson.mapper().convertValue(row.get("test"), MetricsFile.Evaluation.class),
                row.get("repeats") == null ? null : MetricsJson.mapper().convertValue(row.get("repeats"), Repeats.class));
    }
}
