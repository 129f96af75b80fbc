package io.medualtime.train;

import io.medualtime.data.Dataset;
import io.medualtime.data.Split;
import io.medualtime.model.MedualTime;
import io.medualtime.model.ReportBatch;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A model at work on a dataset: batches streamed from the {@link Dataset} (each signal read into a reused buffer,
 * never the whole set in memory), the frozen report vectors (computed once, cached; or recomputed with BERT's
 * dropout in training, {@link #recomputeTextVectors}), and the forward pass of a {@link Mode}. Not thread-safe.
 */
public final class Session {
    /** One batch: signals [B, leads, T] on the session's device, the reports, labels ({@link Dataset#UNLABELLED} for none) and dataset indices. */
    public record Batch(Tensor signals, List<String> reports, int[] labels, int[] indices) {
        public int size() { return indices.length; }
    }

    public final ModelSpec spec;
    public final ModelSpec.Built built;
    public final MedualTime model;
    public final Dataset data;
    public final LabelKind label;
    public final Mode mode;
    public final Device device;
    private final Map<Integer, float[]> buffers = new HashMap<>();

    public Session(ModelSpec spec, ModelSpec.Built built, Dataset data, Device device) {
        this.spec = spec;
        this.built = built;
        this.model = built.model();
        this.data = data;
        this.label = spec.labelKind();
        this.mode = spec.modeValue();
        this.device = device;
        var c = model.config;
        if (data.leads() != c.leads() || data.steps() != c.steps())
            throw new IllegalArgumentException(
                    "the dataset has " + data.leads() + " leads x " + data.steps() + " steps but the model expects "
                            + c.leads() + " x " + c.steps());
        if (device != Device.CPU) model.to(device);
    }

    /**
     * Computes the frozen report vector of every distinct report of the dataset once (with a progress line), so
     * that no epoch ever runs the frozen text encoder again. A no-op for modes that do not use them.
     */
    public void precomputeTextVectors() {
        if (!mode.needsTextVectors()) return;
        List<String> all = new ArrayList<>(new LinkedHashSet<>(allReports()));
        int chunk = 32;
        try (Progress p = Progress.start("text vectors (frozen, once)", all.size())) {
            for (int s = 0; s < all.size(); s += chunk) {
                List<String> part = all.subList(s, Math.min(all.size(), s + chunk));
                built.textVectors().precompute(part);
                p.step(part.size());
            }
        }
    }

    private List<String> allReports() {
        List<String> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) out.add(data.report(i));
        return out;
    }

    /** The indices of a split cut into batches; shuffled (Fisher-Yates with {@code rng}) when rng is not null. */
    public static List<int[]> batches(int[] indices, int batchSize, Rng rng) {
        int[] idx = indices.clone();
        if (rng != null)
            for (int i = idx.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < idx.length; s += batchSize) out.add(java.util.Arrays.copyOfRange(idx, s, Math.min(idx.length, s + batchSize)));
        return out;
    }

    public List<int[]> batches(Split split, int batchSize, Rng rng) { return batches(data.indices(split), batchSize, rng); }

    /** Reads a batch: signals into a buffer reused between batches of the same size. */
    public Batch load(int[] indices) {
        int l = data.leads(), t = data.steps(), per = l * t, b = indices.length;
        float[] buf = buffers.computeIfAbsent(b, k -> new float[k * per]);
        List<String> reports = new ArrayList<>(b);
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            data.readSignal(indices[i], buf, i * per);
            reports.add(data.report(indices[i]));
            y[i] = label.labelOrUnlabelled(data, indices[i]);   // predict scores records without a label; training refuses them first
        }
        Tensor sig = device == Device.CPU ? Tensor.wrap(buf, b, l, t) : Tensor.wrap(buf, b, l, t).to(device);
        return new Batch(sig, reports, y, indices);
    }

    public ReportBatch tokenize(List<String> reports) { return model.tokenize(built.tokenizer(), reports); }

    /** Set by {@link #recomputeTextVectors}: the BERT whose vectors are recomputed with dropout in training. */
    private io.medualtime.model.BertReportEncoder recomputing;

    /**
     * In training mode, recompute the report vectors every step with BERT's dropout active, as the official code
     * does, instead of the cached eval-mode vectors (evaluation keeps using the cache). BERT's dropout generators
     * are reseeded from {@code seed}. Only for a BERT text encoder.
     */
    public void recomputeTextVectors(long seed) {
        if (!(built.textVectors().inner() instanceof io.medualtime.model.BertReportEncoder bert))
            throw new IllegalArgumentException(
                    "report vectors recomputed with dropout need the BERT text encoder (the official ClinicalBERT path)");
        recomputing = bert;
        Rng base = new Rng(seed ^ 0xBE27L);
        new java.util.TreeMap<>(bert.dropoutRngs()).values().forEach(r -> r.restore(base.split().state()));
    }

    /** The generators of the recomputed report vectors' dropout, for a run's resume state (empty when cached). */
    public Map<String, Rng> textDropoutRngs() {
        Map<String, Rng> out = new java.util.TreeMap<>();
        if (recomputing != null) recomputing.dropoutRngs().forEach((k, v) -> out.put("text_encoder." + k, v));
        return out;
    }

    /** The report vectors c_text [B, d], on the session's device: cached (eval mode), or recomputed with dropout in training. */
    public Tensor textVectors(List<String> reports) {
        Tensor v = recomputing != null && model.isTraining() ? recomputing.encodeWithDropout(reports) : built.textVectors().encode(reports);
        return device == Device.CPU ? v : v.to(device);
    }

    private Tensor zeros(int b) { return Tensor.zeros(device, b, model.lm.config.nEmbd()); }

    /** The embedding the head classifies, per mode: z [B, d]. */
    public Tensor embed(Batch b) { return embed(b.signals(), b.reports()); }

    public Tensor embed(Tensor signals, List<String> reports) {
        int n = signals.size(0);
        return switch (mode) {
            case DUAL -> model.forward(signals, tokenize(reports), textVectors(reports)).z();
            case TS_ONLY -> model.temporalPrimary(signals, zeros(n));
            case TEXT_ONLY -> model.textualPrimaryFromVector(tokenize(reports), zeros(n));
            case TS_PRIMARY -> model.temporalPrimary(signals, textVectors(reports));
            case TEXT_PRIMARY -> model.textualPrimary(tokenize(reports), signals);
        };
    }

    public Tensor logits(Batch b) { return model.head.forward(embed(b)); }

    /**
     * Loss, predictions, class probabilities and logits of a set of records (eval mode, no gradients).
     *
     * @param loss       the mean cross-entropy; NaN when a record has no label
     * @param truth      the labels, {@link Dataset#UNLABELLED} for a record without one
     * @param embeddings the embeddings z the head classifies, or null when not asked for
     */
    public record Scores(double loss, int[] truth, int[] predicted, double[][] probabilities, int[] indices, float[][] logits,
            float[][] embeddings) {
        /** Whether every record has a label (then loss and accuracy mean something). */
        public boolean labelled() {
            for (int t : truth) if (t == Dataset.UNLABELLED) return false;
            return true;
        }
    }

    public Scores score(Split split, int batchSize, String task) { return score(data.indices(split), batchSize, task); }

    public Scores score(int[] indices, int batchSize, String task) { return score(indices, batchSize, task, false); }

    /** {@link #score(int[], int, String)}, keeping each record's embedding z when {@code keepEmbeddings}. */
    public Scores score(int[] indices, int batchSize, String task, boolean keepEmbeddings) {
        boolean was = model.isTraining();
        model.eval();
        int n = indices.length, c = model.config.classes();
        int[] truth = new int[n], pred = new int[n];
        double[][] prob = new double[n][];
        float[][] logitRows = new float[n][], embeddings = keepEmbeddings ? new float[n][] : null;
        int d = model.lm.config.nEmbd();
        double lossSum = 0;
        int done = 0;
        List<int[]> bs = batches(indices, batchSize, null);
        try (GradMode g = GradMode.noGrad(); Progress p = Progress.start(task, bs.size())) {
            for (int[] idx : bs) {
                Batch b;
                float[] lp, lg, z = null;
                try (TensorScope batch = TensorScope.open()) {
                    b = load(idx);
                    Tensor emb = embed(b), logits = model.head.forward(emb);
                    boolean labelled = java.util.Arrays.stream(b.labels()).noneMatch(y -> y == Dataset.UNLABELLED);
                    lossSum += labelled ? io.medualtime.tensor.F.crossEntropy(logits, b.labels()).item() * b.size() : Double.NaN;
                    lp = logits.logSoftmax(1).toArray();
                    lg = logits.toArray();
                    if (keepEmbeddings) z = emb.toArray();
                }
                for (int i = 0; i < b.size(); i++) {
                    double[] pr = new double[c];
                    int best = 0;
                    for (int k = 0; k < c; k++) {
                        pr[k] = Math.exp(lp[i * c + k]);
                        if (pr[k] > pr[best]) best = k;
                    }
                    truth[done + i] = b.labels()[i];
                    pred[done + i] = best;
                    prob[done + i] = pr;
                    logitRows[done + i] = java.util.Arrays.copyOfRange(lg, i * c, (i + 1) * c);
                    if (z != null) embeddings[done + i] = java.util.Arrays.copyOfRange(z, i * d, (i + 1) * d);
                }
                done += b.size();
                p.step();
            }
        } finally {
            model.train(was);
        }
        return new Scores(n == 0 ? Double.NaN : lossSum / n, truth, pred, prob, indices.clone(), logitRows, embeddings);
    }

    /** The embeddings z [n][d] of a set of records (eval mode, no gradients). */
    public float[][] embeddings(int[] indices, int batchSize, String task) {
        boolean was = model.isTraining();
        model.eval();
        float[][] out = new float[indices.length][];
        int d = model.lm.config.nEmbd(), done = 0;
        List<int[]> bs = batches(indices, batchSize, null);
        try (GradMode g = GradMode.noGrad(); Progress p = Progress.start(task, bs.size())) {
            for (int[] idx : bs) {
                float[] z;
                try (TensorScope batch = TensorScope.open()) {
                    z = embed(load(idx)).toArray();
                }
                for (int i = 0; i < idx.length; i++) out[done + i] = java.util.Arrays.copyOfRange(z, i * d, (i + 1) * d);
                done += idx.length;
                p.step();
            }
        } finally {
            model.train(was);
        }
        return out;
    }

    /** A copy of the model's trainable state (parameters + BN statistics), to keep the best epoch in memory. */
    public static Map<String, Tensor> snapshot(io.medualtime.nn.Module m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (var e : m.stateDict().entrySet()) {
            int[] shape = e.getValue().shape();
            out.put(e.getKey(), Tensor.of(e.getValue().toArray(), shape.length == 0 ? new int[]{1} : shape).reshape(shape));
        }
        return out;
    }
}
