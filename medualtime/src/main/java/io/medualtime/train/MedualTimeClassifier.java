package io.medualtime.train;

import io.medualtime.data.DatasetInfo;
import io.medualtime.data.InMemoryDataset;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained MedualTime run (a folder written by {@code train} or {@code demo}) ready to classify ECGs with their
 * reports, for embedding in an application: no datasets, sessions, eval mode or gradients to know about.
 *
 * <pre>{@code
 * MedualTimeClassifier model = MedualTimeClassifier.open(Path.of("runs/ptbxl-dual"));
 * float[][] ecg = new float[model.leads()][model.steps()];           // [lead][step], millivolts
 * MedualTimeClassifier.Result r = model.classify(ecg, "sinus rhythm, normal ecg");
 * System.out.println(r.className() + " " + java.util.Arrays.toString(r.probabilities()));
 * }</pre>
 *
 * <p>The frozen LM and the trained adapters and head are rebuilt exactly as {@code eval} / {@code predict} rebuild them,
 * so the probabilities are the ones {@code predict} writes for the same record. Runs on the CPU. Thread-safe: calls are
 * serialised on the instance (the CPU kernels already use every core for one batch). Report vectors of the frozen
 * text encoder are cached per distinct report text.
 */
public final class MedualTimeClassifier {

    /**
     * One classification.
     *
     * @param classIndex    the most probable class (the first on ties)
     * @param className     its name
     * @param probabilities softmax of the head's logits, in {@link #classNames()} order
     * @param embedding     the fused embedding z the head classifies (per the run's mode)
     */
    public record Result(int classIndex, String className, double[] probabilities, float[] embedding) {}

    private final ModelSpec spec;
    private final Session session;

    private MedualTimeClassifier(ModelSpec spec, Session session) {
        this.spec = spec;
        this.session = session;
    }

    /** Loads a supervised run folder ({@code run.json} + {@code model.safetensors}). */
    public static MedualTimeClassifier open(Path runDir) throws IOException {
        ModelSpec spec = SavedRun.spec(runDir);
        if (!"supervised".equals(spec.kind()))
            throw new IllegalArgumentException(
                    runDir + " is a " + spec.kind() + " run; classification needs a supervised run (train / demo)");
        var m = spec.model();
        List<String> leads = java.util.stream.IntStream.range(0, m.leads()).mapToObj(l -> "lead" + l).toList();
        // the session only needs the signal shape: records come from the caller
        InMemoryDataset shapeOnly = new InMemoryDataset(new DatasetInfo("input", "caller", false, leads, m.steps(), 1.0), List.of());
        return new MedualTimeClassifier(spec, SavedRun.open(runDir, shapeOnly, Device.CPU, SavedRun.Trust.STRICT, toLogger()));
    }

    /**
     * SavedRun's lines for a library caller: through System.Logger, so the application routes or silences them.
     * Its notes are about datasets, which a classifier has none of (DEBUG); its warnings stay warnings.
     */
    private static java.io.PrintStream toLogger() {
        System.Logger log = System.getLogger("io.medualtime.train");
        return new java.io.PrintStream(new java.io.ByteArrayOutputStream() {
            @Override public synchronized void flush() {
                String text = toString(java.nio.charset.StandardCharsets.UTF_8).strip();
                reset();
                for (String line : text.lines().toList())
                    log.log(line.startsWith("note:") ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, line);
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
    }

    public List<String> classNames() { return spec.classNames(); }

    /** Leads the model expects per ECG. */
    public int leads() { return spec.model().leads(); }

    /** Samples per lead the model expects. */
    public int steps() { return spec.model().steps(); }

    /** The run's mode ({@code dual}, {@code ts-only}, ...). */
    public String mode() { return spec.mode(); }

    /** Classifies one ECG {@code [leads][steps]} (millivolts) with its report. */
    public Result classify(float[][] ecg, String report) {
        return classify(List.<float[][]>of(ecg), List.of(report)).get(0);
    }

    /** Classifies a batch of ECGs with their reports, in order. */
    public synchronized List<Result> classify(List<float[][]> ecgs, List<String> reports) {
        if (ecgs.size() != reports.size())
            throw new IllegalArgumentException(ecgs.size() + " ECGs but " + reports.size() + " reports");
        if (ecgs.isEmpty()) return List.of();
        int b = ecgs.size(), l = leads(), t = steps(), c = classNames().size();
        float[] signals = new float[b * l * t];
        for (int i = 0; i < b; i++) {
            float[][] e = ecgs.get(i);
            if (e == null || e.length != l)
                throw new IllegalArgumentException("ECG " + i + " has " + (e == null ? "no" : e.length) + " leads; the model expects " + l);
            for (int k = 0; k < l; k++) {
                if (e[k] == null || e[k].length != t)
                    throw new IllegalArgumentException(
                            "ECG " + i + " lead " + k + " has " + (e[k] == null ? "no" : e[k].length) + " samples; the model expects " + t);
                for (int s = 0; s < t; s++)
                    if (!Float.isFinite(e[k][s]))
                        throw new IllegalArgumentException("ECG " + i + " lead " + k + " sample " + s + " is " + e[k][s]);
                System.arraycopy(e[k], 0, signals, (i * l + k) * t, t);
            }
            if (reports.get(i) == null) throw new IllegalArgumentException("report " + i + " is null");
        }
        float[] z, logProbs;
        int d;
        try (GradMode g = GradMode.noGrad(); TensorScope scope = TensorScope.open()) {
            Tensor emb = session.embed(Tensor.wrap(signals, b, l, t), reports);
            d = emb.size(1);
            z = emb.toArray();
            logProbs = session.model.head.forward(emb).logSoftmax(1).toArray();
        }
        List<Result> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            double[] p = new double[c];
            int best = 0;
            for (int k = 0; k < c; k++) {
                p[k] = Math.exp(logProbs[i * c + k]);
                if (!Double.isFinite(p[k]))
                    throw new IllegalStateException("the model's output for ECG " + i + " is not finite (" + p[k] + ")");
                if (p[k] > p[best]) best = k;
            }
            out.add(new Result(best, classNames().get(best), p, java.util.Arrays.copyOfRange(z, i * d, (i + 1) * d)));
        }
        return out;
    }

    @Override public String toString() {
        return "MedualTimeClassifier[" + spec.mode() + ", " + classNames() + ", " + spec.describeLm() + "]";
    }
}
