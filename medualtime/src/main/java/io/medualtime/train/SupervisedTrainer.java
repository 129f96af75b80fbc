package io.medualtime.train;

import io.medualtime.data.DataChecks;
import io.medualtime.data.Split;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.nn.optim.LrScheduler;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The supervised protocol (docs/MODEL.md): AdamW, a {@link Schedule} stepped per epoch (ExponentialLR by default),
 * dropout and BatchNorm in train mode; validation loss (mean over ALL validation samples) after every epoch; the
 * epoch with the lowest validation loss (or the last one, {@link Selection#LAST}) is selected: its trainable state is kept in memory and written atomically to
 * {@code model.safetensors}, and the test metrics are those of that state.
 */
public final class SupervisedTrainer {

    /** The protocol's knobs (official defaults in {@link #defaults(LabelKind)}); invalid values are refused naming the option. */
    public record Options(int epochs, int batchSize, double lr, double weightDecay, Schedule schedule, Selection selection,
            int evalBatchSize) {
        public Options {
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--batch-size", batchSize, 1);
            Checks.atLeast("evaluation batch size", evalBatchSize, 1);
            Checks.positive("--lr", lr);
            Checks.nonNegative("--weight-decay", weightDecay);
            if (schedule == null || selection == null) throw new IllegalArgumentException("the schedule and the selection are required");
        }

        /** Exponential decay by {@code gamma} per epoch, selection by the lowest validation loss. */
        public Options(int epochs, int batchSize, double lr, double weightDecay, double gamma, int evalBatchSize) {
            this(epochs, batchSize, lr, weightDecay, Schedule.exponential(gamma), Selection.BEST, evalBatchSize);
        }

        /** AdamW lr 1e-3, weight decay 0.01, batch 32, 40 epochs, gamma 0.5 (5 classes) / 0.85 (4 classes). */
        public static Options defaults(LabelKind label) {
            return new Options(40, 32, 1e-3, 0.01, label.defaultGamma(), 64);
        }
    }

    /** The outcome: metrics (also written to metrics.json) and the selected epoch's test scores. */
    public record Result(MetricsFile metrics, Session.Scores test, Path checkpoint) {}

    private SupervisedTrainer() {}

    /**
     * Trains {@code s.model} with {@code o}, writes {@code run.json}, {@code model.safetensors} (the selected
     * epoch) and {@code metrics.json} (rewritten after each epoch) into {@code run}, and evaluates the selected
     * state on the test split. {@code metrics} carries the caller's provenance and configuration. The data is
     * checked before the first epoch; after every epoch a {@link ResumeState} is written, and a run folder that
     * holds one continues from it (bit for bit as if never interrupted). A non-finite loss stops the run with
     * {@code metrics.json} saying where ({@link MetricsFile#DIVERGED}).
     */
    public static Result train(Session s, Options o, long seed, RunFolder run, MetricsFile metrics, PrintStream log) {
        return run.recordingFailure(metrics, () -> trainOrThrow(s, o, seed, run, metrics, log));
    }

    private static Result trainOrThrow(Session s, Options o, long seed, RunFolder run, MetricsFile metrics, PrintStream log) {
        DataChecks.requireUsable(s.data, EnumSet.allOf(Split.class));
        long t0 = System.nanoTime();
        s.spec.write(run.dir());
        s.precomputeTextVectors();
        Path ckpt = run.resolve(ModelSpec.CHECKPOINT);
        s.model.train(true);
        List<Tensor> params = s.model.trainableParameters();
        AdamW opt = new AdamW(params, (float) o.lr(), 0.9f, 0.999f, 1e-8f, (float) o.weightDecay());
        LrScheduler sched = o.schedule().create(opt);
        Rng shuffle = new Rng(seed ^ 0x5EEDL);
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("name", "AdamW");
        optimizer.put("lr", o.lr());
        optimizer.put("weight_decay", o.weightDecay());
        metrics.config("optimizer", optimizer)
                .config("schedule", o.schedule().describe())
                .config("epochs", o.epochs()).config("batch_size", o.batchSize())
                .config("trainable_parameters", s.model.trainableParameterCount())
                .config("selection", o.selection().criterion())
                .status(MetricsFile.RUNNING);
        ResumeState state = new ResumeState().module("model", s.model).optimizer(opt, sched).rng("shuffle", shuffle);
        s.textDropoutRngs().forEach(state::rng);
        ResumeState.Saved from = state.restore(run);
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        Map<String, Tensor> bestState = null;
        if (from != null) {
            metrics.restoreFrom(from.metrics());
            best = from.bestLoss();
            bestEpoch = from.bestEpoch();
            bestState = from.best().get("model");
            log.printf(Locale.ROOT, "[%s] resuming after epoch %d of %d (best so far: epoch %d)%n", s.mode.cliName(), from.epoch(),
                    o.epochs(), bestEpoch);
        } else {
            run.writeMetrics(metrics);
        }
        for (int epoch = from == null ? 1 : from.epoch() + 1; epoch <= o.epochs(); epoch++) {
            long e0 = System.nanoTime();
            float lr = opt.lr();
            List<int[]> batches = s.batches(Split.TRAIN, o.batchSize(), shuffle);
            double sum = 0;
            int seen = 0, step = 0;
            s.model.train(true);
            try (Progress p = Progress.start(String.format(Locale.ROOT, "%s epoch %d/%d", s.mode.cliName(), epoch, o.epochs()),
                    batches.size())) {
                for (int[] idx : batches) {
                    step++;
                    double l;
                    try (TensorScope scope = TensorScope.open()) {   // the step's activations go back to the pool
                        Session.Batch b = s.load(idx);
                        opt.zeroGrad();
                        Tensor loss = F.crossEntropy(s.logits(b), b.labels());
                        loss.backward();
                        opt.step();
                        l = loss.item();
                    }
                    if (!Double.isFinite(l))
                        throw run.recordDivergence(metrics, new MetricsFile.Divergence(epoch, step, l), "training loss",
                                "; try a lower --lr");
                    sum += l * idx.length;
                    seen += idx.length;
                    p.metric("loss", sum / seen);
                    p.step();
                }
            }
            sched.step();
            Session.Scores val = s.score(Split.VAL, o.evalBatchSize(), "  validation");
            if (!Double.isFinite(val.loss()))
                throw run.recordDivergence(metrics, new MetricsFile.Divergence(epoch, 0, val.loss()), "validation loss",
                        "; try a lower --lr");
            double trainLoss = sum / Math.max(1, seen);
            double valAcc = accuracy(val);
            boolean improved = val.loss() < best;
            if (o.selection().replaces(val.loss(), best)) {
                best = val.loss();
                bestEpoch = epoch;
                bestState = Session.snapshot(s.model);
                save(s, ckpt);
            }
            double secs = (System.nanoTime() - e0) / 1e9;
            metrics.addEpoch(new MetricsFile.Epoch(epoch, trainLoss, val.loss(), (double) lr, secs, Map.of("valAccuracy", valAcc)));
            log.printf(Locale.ROOT, "[%s] epoch %2d/%d  train loss %.4f  val loss %.4f  val acc %.4f  lr %.2e  %.1fs%s%n",
                    s.mode.cliName(), epoch, o.epochs(), trainLoss, val.loss(), valAcc, lr, secs,
                    improved && o.selection() == Selection.BEST ? "  *best" : "");
            run.writeMetrics(metrics);
            state.save(run, new ResumeState.Saved(epoch, best, bestEpoch, Map.of("model", bestState), metrics));
        }
        s.model.loadStateDict(bestState, true);
        metrics.selectedEpoch(bestEpoch, o.selection().criterion());
        Session.Scores val = s.score(Split.VAL, o.evalBatchSize(), "  validation (selected)");
        Session.Scores test = s.score(Split.TEST, o.evalBatchSize(), "  test (selected epoch " + bestEpoch + ")");
        List<String> names = s.spec.classNames();
        metrics.validation(MetricsFile.Evaluation.of(val.truth(), val.predicted(), names, seed))
                .test(MetricsFile.Evaluation.of(test.truth(), test.predicted(), names, seed))
                .extra("testLoss", test.loss())
                .totalSeconds((System.nanoTime() - t0) / 1e9);
        run.complete(metrics);
        log.printf(Locale.ROOT, "[%s] selected epoch %d (%s %.4f); test accuracy %.4f, macro-F1 %.4f%n",
                s.mode.cliName(), bestEpoch, o.selection() == Selection.BEST ? "lowest validation loss" : "last epoch, validation loss",
                best, metrics.test().report().accuracy(), metrics.test().report().macroF1());
        return new Result(metrics, test, ckpt);
    }

    static double accuracy(Session.Scores sc) {
        int c = 0;
        for (int i = 0; i < sc.truth().length; i++) if (sc.truth()[i] == sc.predicted()[i]) c++;
        return sc.truth().length == 0 ? Double.NaN : c / (double) sc.truth().length;
    }

    static void save(Session s, Path file) {
        try {
            MedualTimeCheckpoint.save(s.model, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }
}
