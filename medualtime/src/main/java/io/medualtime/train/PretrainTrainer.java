package io.medualtime.train;

import io.medualtime.data.DataChecks;
import io.medualtime.data.Split;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.model.ProjectionHead;
import io.medualtime.nn.Module;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.nn.optim.LrScheduler;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Unsupervised contrastive pre-training (docs/MODEL.md), then linear probes.
 *
 * <p>Per batch: z_ts = temporal-primary pass (with c_text), z_text = textual-primary pass (with c_ts = TemEnc of the
 * signal); the augmented view replaces the signal by ts_aug = ts + 0.5 N(0, 1) (seeded) in BOTH passes: z_ts_aug
 * is the temporal pass on ts_aug, and z_text_aug is the textual pass re-run with ts_aug, because the textual pass
 * sees the ECG through its adaptation tokens (the report itself is not augmented). Each pass has its own
 * {@link ProjectionHead}; outputs are L2-normalised;
 * loss = NCE(z_ts, z_ts_aug) + NCE(z_text, z_text_aug) + lambda (NCE(z_text, z_ts) + NCE(z_ts, z_text)),
 * NCE(a, b) = cross-entropy of a b^T / tau against the diagonal (in-batch negatives), tau = 0.1; lambda = 0 in the
 * first ceil(10 %) of the epochs and 0.1 after. Adam lr 1e-3, constant or decayed by a {@link Schedule}.
 *
 * <p>Validation: the same loss with lambda = 0.1 in every epoch (so epochs are comparable) and the same seeded
 * noise in every epoch, averaged over ALL validation batches (the official code keeps only the last batch's
 * loss, so its selection ends up on the last epoch; fixed). The epoch with the lowest validation loss (or the
 * last, {@link Selection#LAST}) is restored.
 */
public final class PretrainTrainer {
    private PretrainTrainer() {}

    /** The protocol's knobs; invalid values are refused naming the option. */
    public record Options(int epochs, int batchSize, double lr, double temperature, double lambda, double warmupFraction, double noiseStd,
            Schedule schedule, Selection selection) {
        public Options {
            if (selection == null) throw new IllegalArgumentException("the selection is required");
            Checks.atLeast("--epochs", epochs, 1);
            Checks.atLeast("--batch-size (the other records of a batch are the negatives)", batchSize, 2);
            Checks.positive("--lr", lr);
            Checks.positive("--temperature", temperature);
            Checks.nonNegative("--lambda", lambda);
            Checks.fraction("warm-up fraction", warmupFraction);
            Checks.nonNegative("--noise", noiseStd);
        }

        /** A constant learning rate ({@code schedule} null) and selection by the lowest validation loss. */
        public Options(int epochs, int batchSize, double lr, double temperature, double lambda, double warmupFraction, double noiseStd) {
            this(epochs, batchSize, lr, temperature, lambda, warmupFraction, noiseStd, null, Selection.BEST);
        }

        /** Adam lr 1e-3, batch 64, 4 epochs, tau 0.1, lambda 0.1 after the first 10 % of epochs, noise 0.5. */
        public static Options defaults() {
            return new Options(4, 64, 1e-3, 0.1, 0.1, 0.1, 0.5);
        }

        /** Epochs (0-based index) before this one train without the cross-modal terms. */
        public int lambdaStartEpoch() {
            return (int) Math.ceil(warmupFraction * epochs - 1e-9);
        }
    }

    /** The two projection heads (saved as {@code projection_heads.safetensors}: ts.*, text.*). */
    public static final class Heads extends Module {
        public final ProjectionHead ts, text;

        public Heads(int dim, Rng rng) {
            ts = child("ts", new ProjectionHead(dim, rng));
            text = child("text", new ProjectionHead(dim, rng));
        }
    }

    public static final String HEADS_FILE = "projection_heads.safetensors";

    public record Result(int selectedEpoch, double valLoss, Heads heads) {}

    /**
     * Pre-trains {@code s.model} and two projection heads into {@code run} ({@code model.safetensors} and
     * {@value #HEADS_FILE} of the selected epoch, {@code metrics.json}) and leaves the selected state loaded. The
     * data is checked before the first epoch (the probe that follows also needs the test split); after every epoch
     * a {@link ResumeState} is written, from which a run folder that holds one continues. The run stays
     * {@link MetricsFile#RUNNING}: the caller completes it ({@link RunFolder#complete}) after its probe.
     */
    public static Result train(Session s, Options o, long seed, RunFolder run, MetricsFile metrics, PrintStream log) {
        return run.recordingFailure(metrics, () -> trainOrThrow(s, o, seed, run, metrics, log));
    }

    private static Result trainOrThrow(Session s, Options o, long seed, RunFolder run, MetricsFile metrics, PrintStream log) {
        if (s.mode != Mode.DUAL) throw new IllegalArgumentException("contrastive pre-training uses both passes (mode dual)");
        DataChecks.requireUsable(s.data, EnumSet.allOf(Split.class));
        for (Split split : List.of(Split.TRAIN, Split.VAL))
            if (s.data.size(split) < 2)
                throw new IllegalArgumentException("dataset " + s.data.name() + ": the " + split.diskName()
                        + " split has " + s.data.size(split) + " record; contrastive pre-training needs at least 2 (in-batch negatives)");
        s.spec.write(run.dir());
        s.precomputeTextVectors();
        int d = s.model.lm.config.nEmbd();
        Heads heads = new Heads(d, new Rng(seed ^ 0x4EADL));
        if (s.device != Device.CPU) heads.to(s.device);
        List<Tensor> params = new ArrayList<>(s.model.trainableParameters());
        params.addAll(heads.trainableParameters());
        AdamW opt = AdamW.adam(params, (float) o.lr());
        LrScheduler sched = o.schedule() == null ? null : o.schedule().create(opt);
        Rng shuffle = new Rng(seed ^ 0x5EEDL), noise = new Rng(seed ^ 0xA06L);
        metrics.config("pretrain", o).config("trainable_parameters", s.model.trainableParameterCount() + heads.parameterCount(true))
                .config("schedule", o.schedule() == null ? "constant" : o.schedule().describe())
                .config("selection",
                        o.selection().criterion() + (o.selection() == Selection.BEST ? " (all validation batches, lambda fixed)" : ""))
                .status(MetricsFile.RUNNING);
        ResumeState state = new ResumeState().module("model", s.model).module("heads", heads).optimizer(opt, sched)
                .rng("shuffle", shuffle).rng("noise", noise);
        s.textDropoutRngs().forEach(state::rng);
        ResumeState.Saved from = state.restore(run);
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        Map<String, Tensor> bestModel = null, bestHeads = null;
        if (from != null) {
            metrics.restoreFrom(from.metrics());
            best = from.bestLoss();
            bestEpoch = from.bestEpoch();
            bestModel = from.best().get("model");
            bestHeads = from.best().get("heads");
            log.printf(Locale.ROOT, "[pretrain] resuming after epoch %d of %d (best so far: epoch %d)%n", from.epoch(), o.epochs(),
                    bestEpoch);
        } else {
            run.writeMetrics(metrics);
        }
        for (int epoch = from == null ? 1 : from.epoch() + 1; epoch <= o.epochs(); epoch++) {
            long e0 = System.nanoTime();
            float epochLr = opt.lr();
            double lambda = epoch - 1 >= o.lambdaStartEpoch() ? o.lambda() : 0.0;
            s.model.train(true);
            heads.train(true);
            double sum = 0;
            int seen = 0, step = 0;
            List<int[]> batches = s.batches(Split.TRAIN, o.batchSize(), shuffle);
            try (Progress p = Progress.start(String.format(Locale.ROOT, "pretrain epoch %d/%d (lambda %.2f)", epoch, o.epochs(), lambda),
                    batches.size())) {
                for (int[] idx : batches) {
                    step++;
                    if (idx.length < 2) continue; // no negatives in a batch of one
                    double l;
                    try (TensorScope scope = TensorScope.open()) {   // the step's activations go back to the pool
                        Session.Batch b = s.load(idx);
                        opt.zeroGrad();
                        Tensor loss = loss(s, heads, b, lambda, o, noise);
                        loss.backward();
                        opt.step();
                        l = loss.item();
                    }
                    if (!Double.isFinite(l))
                        throw run.recordDivergence(metrics, new MetricsFile.Divergence(epoch, step, l), "pre-training loss",
                                "; try a lower --lr");
                    sum += l * idx.length;
                    seen += idx.length;
                    p.metric("loss", sum / seen);
                    p.step();
                }
            }
            if (sched != null) sched.step();
            double val = validationLoss(s, heads, o, seed);
            if (!Double.isFinite(val))
                throw run.recordDivergence(metrics, new MetricsFile.Divergence(epoch, 0, val), "pre-training validation loss",
                        "; try a lower --lr");
            boolean improved = val < best;
            if (o.selection().replaces(val, best)) {
                best = val;
                bestEpoch = epoch;
                bestModel = Session.snapshot(s.model);
                bestHeads = Session.snapshot(heads);
                save(s.model, run.resolve(ModelSpec.CHECKPOINT));
                save(heads, run.resolve(HEADS_FILE));
            }
            double secs = (System.nanoTime() - e0) / 1e9;
            metrics.addEpoch(new MetricsFile.Epoch(epoch, sum / Math.max(1, seen), val, sched == null ? o.lr() : (double) epochLr, secs,
                    Map.of("lambda", lambda)));
            log.printf(Locale.ROOT, "[pretrain] epoch %d/%d  lambda %.2f  train loss %.4f  val loss %.4f  %.1fs%s%n",
                    epoch, o.epochs(), lambda, sum / Math.max(1, seen), val, secs,
                    improved && o.selection() == Selection.BEST ? "  *best" : "");
            run.writeMetrics(metrics);
            state.save(run, new ResumeState.Saved(epoch, best, bestEpoch, Map.of("model", bestModel, "heads", bestHeads), metrics));
        }
        s.model.loadStateDict(bestModel, true);
        heads.loadStateDict(bestHeads, true);
        metrics.selectedEpoch(bestEpoch, o.selection().criterion());
        log.printf(Locale.ROOT, "[pretrain] selected epoch %d (validation loss %.4f over all batches)%n", bestEpoch, best);
        return new Result(bestEpoch, best, heads);
    }

    /**
     * The official pre-training's patch embedding: ts_adapter_layer weight N(0, 0.01), bias 0
     * [MedualTime.py, MedualTime_unsupervised.init_linear_weight] instead of PyTorch's Linear default.
     */
    public static void initPatchEmbeddingOfficial(io.medualtime.model.MedualTime model, long seed) {
        int[] w = model.tsAdapterLayer.weight.shape(), b = model.tsAdapterLayer.bias.shape();
        model.loadStateDict(Map.of("ts_adapter_layer.weight", Tensor.randn(new Rng(seed ^ 0x9A7C4L), w).mul(0.01f),
                "ts_adapter_layer.bias", Tensor.zeros(b)), false);
    }

    static Tensor loss(Session s, Heads heads, Session.Batch b, double lambda, Options o, Rng noise) {
        Tensor sig = b.signals();
        Tensor aug = sig.add(Tensor.randn(noise, sig.shape()).mul((float) o.noiseStd()).to(s.device));
        Tensor cText = s.textVectors(b.reports());
        var reports = s.tokenize(b.reports());
        Tensor[] views = s.model.contrastiveViews(sig, aug, cText, reports);    // the four passes share the LM's products
        Tensor zTs = norm(heads.ts.forward(views[0])), zTsAug = norm(heads.ts.forward(views[1]));
        Tensor zText = norm(heads.text.forward(views[2])), zTextAug = norm(heads.text.forward(views[3]));
        float tau = (float) o.temperature();
        Tensor l = nce(zTs, zTsAug, tau).add(nce(zText, zTextAug, tau));
        if (lambda > 0) l = l.add(nce(zText, zTs, tau).add(nce(zTs, zText, tau)).mul((float) lambda));
        return l;
    }

    static Tensor norm(Tensor z) { return F.l2Normalize(z, 1, 1e-12f); }

    /** InfoNCE with in-batch negatives: cross-entropy of a b^T / tau against the diagonal. */
    public static Tensor nce(Tensor a, Tensor b, float tau) {
        int n = a.size(0);
        int[] diag = new int[n];
        for (int i = 0; i < n; i++) diag[i] = i;
        return F.crossEntropy(a.matmul(b.transpose(0, 1)).mul(1f / tau), diag);
    }

    /** Mean loss over all validation records (lambda fixed, the same noise every epoch). */
    static double validationLoss(Session s, Heads heads, Options o, long seed) {
        boolean was = s.model.isTraining();
        s.model.eval();
        heads.eval();
        Rng noise = new Rng(seed ^ 0x7A1L);
        double sum = 0;
        int seen = 0;
        List<int[]> batches = s.batches(Split.VAL, o.batchSize(), null);
        try (GradMode g = GradMode.noGrad(); Progress p = Progress.start("  validation", batches.size())) {
            for (int[] idx : batches) {
                if (idx.length >= 2) {
                    try (TensorScope batch = TensorScope.open()) {
                        sum += loss(s, heads, s.load(idx), o.lambda(), o, noise).item() * idx.length;
                    }
                    seen += idx.length;
                }
                p.step();
            }
        } finally {
            s.model.train(was);
            heads.train(was);
        }
        return seen == 0 ? Double.NaN : sum / seen;
    }

    /** The probe features: (normalised ts projection + normalised text projection) / 2, frozen (eval mode). */
    public static float[][] features(Session s, Heads heads, int[] indices, String task) {
        s.model.eval();
        heads.eval();
        int d = s.model.lm.config.nEmbd();
        float[][] out = new float[indices.length][];
        int done = 0;
        List<int[]> bs = Session.batches(indices, 64, null);
        try (GradMode g = GradMode.noGrad(); Progress p = Progress.start(task, bs.size())) {
            for (int[] idx : bs) {
                float[] z;
                try (TensorScope batch = TensorScope.open()) {
                    Session.Batch b = s.load(idx);
                    Tensor zTs = norm(heads.ts.forward(s.model.temporalPrimary(b.signals(), s.textVectors(b.reports()))));
                    Tensor zText = norm(heads.text.forward(s.model.textualPrimary(s.tokenize(b.reports()), b.signals())));
                    z = zTs.add(zText).mul(0.5f).toArray();
                }
                for (int i = 0; i < idx.length; i++) out[done + i] = java.util.Arrays.copyOfRange(z, i * d, (i + 1) * d);
                done += idx.length;
                p.step();
            }
        }
        return out;
    }

    static void save(Module m, Path file) {
        try {
            MedualTimeCheckpoint.save(m, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
