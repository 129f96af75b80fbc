package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The content of a run's {@code metrics.json}: what was run (command, configuration, seed, threads), on what
 * (data and LM provenance), how training went (per-epoch history, the selected epoch) and the evaluation (test
 * {@link ClassificationReport} with {@link BootstrapCI bootstrap intervals}).
 *
 * <p>Mutable, filled in as the run goes; {@link RunFolder#writeMetrics} writes it atomically, so it can be
 * rewritten after every epoch and a crashed run leaves its last complete state. Setters are fluent.
 * Serialised field by field with {@link MetricsJson}; unknown fields are ignored on read.
 *
 * <p>Provenance is explicit on purpose: {@link #data(String, boolean)} prefixes {@code SYNTHETIC:} to the data
 * description of synthetic data, and {@link #lmRandomInit(String)} / {@link #lmPretrained(Path, String)} say
 * whether the language model carries pretrained weights.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schema", "command", "arguments", "status", "createdAt", "seed", "threads", "syntheticData", "dataProvenance",
        "lmPretrained", "lmProvenance", "config", "history", "selectedEpoch", "selectionCriterion", "totalSeconds",
        "divergence", "error", "validation", "test", "extra"})
public final class MetricsFile {

    /** The format tag written in every file. */
    public static final String SCHEMA = "medualtime-metrics/1";
    /** {@link #status()} while the run trains (also what a killed run leaves). */
    public static final String RUNNING = "running";
    /** {@link #status()} of a run that finished. */
    public static final String COMPLETED = "completed";
    /** {@link #status()} of a run stopped by a non-finite loss ({@link #divergence()} says where). */
    public static final String DIVERGED = "diverged";
    /** {@link #status()} of a run stopped by an error ({@link #error()} says which). */
    public static final String FAILED = "failed";
    /** The protocol's checkpoint selection. */
    public static final String LOWEST_VAL_LOSS = "lowest validation loss";

    /**
     * One epoch of training.
     *
     * @param epoch     1-based epoch number
     * @param trainLoss mean training loss over the epoch's batches
     * @param valLoss   mean validation loss over all validation batches, or null
     * @param lr        the learning rate used in the epoch, or null
     * @param seconds   wall time of the epoch (training + validation)
     * @param extra     further numbers (e.g. {@code valAccuracy}), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Epoch(int epoch, double trainLoss, Double valLoss, Double lr, double seconds, Map<String, Double> extra) {
        public Epoch(int epoch, double trainLoss, Double valLoss, Double lr, double seconds) {
            this(epoch, trainLoss, valLoss, lr, seconds, null);
        }
    }

    /**
     * Where a run diverged: the epoch and the training step (batch) in it, both 1-based (step 0: the epoch's
     * validation loss), and the loss (NaN or infinite).
     */
    public record Divergence(int epoch, int step, double loss) {}

    /** A classification report with its bootstrap intervals (the latter may be null). */
    public record Evaluation(ClassificationReport report, BootstrapCI ci) {
        public Evaluation {
            Objects.requireNonNull(report, "report");
        }

        /** Report + default bootstrap ({@value BootstrapCI#DEFAULT_RESAMPLES} resamples, 95%) with {@code seed}. */
        public static Evaluation of(int[] truth, int[] predicted, List<String> classNames, long seed) {
            return new Evaluation(ClassificationReport.of(truth, predicted, classNames),
                    BootstrapCI.compute(truth, predicted, classNames.size(), seed));
        }
    }

    private String schema = SCHEMA;
    private String command;
    private List<String> arguments;
    private String status;
    private String createdAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    private Long seed;
    private Integer threads;
    private Boolean syntheticData;
    private String dataProvenance;
    private Boolean lmPretrained;
    private String lmProvenance;
    private Map<String, Object> config = new LinkedHashMap<>();
    private List<Epoch> history = new ArrayList<>();
    private Integer selectedEpoch;
    private String selectionCriterion;
    private Double totalSeconds;
    private Divergence divergence;
    private String error;
    private Evaluation validation;
    private Evaluation test;
    private Map<String, Object> extra = new LinkedHashMap<>();

    public MetricsFile() {}

    // ---- what was run ----

    /** The command line or subcommand name, e.g. {@code "train-supervised --task fine"}. */
    public MetricsFile command(String command) {
        this.command = command;
        return this;
    }
    public String command() { return command; }

    /** The command's own arguments (what {@code --resume} runs again), e.g. {@code ["--data", "d", "--epochs", "3"]}. */
    public MetricsFile arguments(List<String> arguments) {
        this.arguments = arguments == null ? null : List.copyOf(arguments);
        return this;
    }
    public List<String> arguments() { return arguments; }

    /** {@link #RUNNING}, {@link #COMPLETED}, {@link #DIVERGED} or {@link #FAILED}; null in files of older versions. */
    public MetricsFile status(String status) {
        this.status = status;
        return this;
    }
    public String status() { return status; }

    /** Marks the run {@link #DIVERGED} at {@code d}. */
    public MetricsFile diverged(Divergence d) {
        this.status = DIVERGED;
        this.divergence = Objects.requireNonNull(d);
        return this;
    }
    public Divergence divergence() { return divergence; }

    /** Marks the run {@link #FAILED} with the error's one-line message (a diverged run stays {@link #DIVERGED}). */
    public MetricsFile failed(String message) {
        if (!DIVERGED.equals(status)) this.status = FAILED;
        this.error = message;
        return this;
    }
    public String error() { return error; }

    public String schema() { return schema; }
    /** ISO-8601 creation time with offset. */
    public String createdAt() { return createdAt; }
    public MetricsFile createdAt(String isoTime) { this.createdAt = isoTime; return this; }

    public MetricsFile seed(long seed) { this.seed = seed; return this; }
    public Long seed() { return seed; }

    public MetricsFile threads(int threads) { this.threads = threads; return this; }
    public Integer threads() { return threads; }

    /**
     * The whole configuration: a {@code Map}, or a record / bean that Jackson turns into one (its fields become
     * the keys). Replaces the previous configuration. Read back, it is always a {@code Map} of JSON-like values.
     * Prefer plain values (String, numbers, booleans, lists); a {@code Path} would be written as a URI.
     */
    public MetricsFile config(Object config) {
        this.config = config == null
                ? new LinkedHashMap<>()
                : MetricsJson.mapper().convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() {});
        return this;
    }
    /** Adds or replaces one configuration entry. */
    public MetricsFile config(String key, Object value) {
        config.put(key, value);
        return this;
    }
    public Map<String, Object> config() { return Collections.unmodifiableMap(config); }

    // ---- provenance ----

    /**
     * Where the data came from, e.g. {@code "PTB-XL 1.0.3 at /data/ptbxl, folds 1-8/9/10"}. For synthetic data the
     * description is prefixed with {@code SYNTHETIC: } unless it already says SYNTHETIC.
     */
    public MetricsFile data(String description, boolean synthetic) {
        Objects.requireNonNull(description, "description");
        this.syntheticData = synthetic;
        this.dataProvenance = synthetic && !description.contains("SYNTHETIC") ? "SYNTHETIC: " + description : description;
        return this;
    }
    public String dataProvenance() { return dataProvenance; }
    public boolean syntheticData() { return Boolean.TRUE.equals(syntheticData); }

    /** A language model with random weights: {@code "random-init <architecture> LM (NOT pretrained)"}. */
    public MetricsFile lmRandomInit(String architecture) {
        this.lmPretrained = false;
        this.lmProvenance = "random-init " + architecture + " LM (NOT pretrained)";
        return this;
    }

    /** Pretrained weights from {@code folder}, with a short config summary, e.g. {@code "gpt2, 12 layers, 768"}. */
    public MetricsFile lmPretrained(Path folder, String configSummary) {
        this.lmPretrained = true;
        this.lmProvenance = "pretrained LM from " + folder.toAbsolutePath().normalize()
                + (configSummary == null || configSummary.isBlank() ? "" : " (" + configSummary + ")");
        return this;
    }

    /** Any other LM description (e.g. no LM at all); {@code pretrained} may be null when not applicable. */
    public MetricsFile lm(String description, Boolean pretrained) {
        this.lmProvenance = description;
        this.lmPretrained = pretrained;
        return this;
    }
    public String lmProvenance() { return lmProvenance; }
    public Boolean lmPretrained() { return lmPretrained; }

    // ---- training ----

    public MetricsFile addEpoch(Epoch e) { history.add(Objects.requireNonNull(e)); return this; }
    public List<Epoch> history() { return Collections.unmodifiableList(history); }

    public MetricsFile selectedEpoch(int epoch, String criterion) {
        this.selectedEpoch = epoch;
        this.selectionCriterion = criterion;
        return this;
    }
    public Integer selectedEpoch() { return selectedEpoch; }
    public String selectionCriterion() { return selectionCriterion; }

    /**
     * Selects the epoch of the lowest finite validation loss in the history (the earliest on ties), records it
     * with criterion {@value #LOWEST_VAL_LOSS}, and returns it; -1 (and nothing recorded) when no epoch has one.
     */
    public int selectLowestValLoss() {
        int best = -1;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (Epoch e : history) {
            if (e.valLoss() != null && Double.isFinite(e.valLoss()) && e.valLoss() < bestLoss) {
                bestLoss = e.valLoss();
                best = e.epoch();
            }
        }
        if (best >= 0) selectedEpoch(best, LOWEST_VAL_LOSS);
        return best;
    }

    public MetricsFile totalSeconds(double seconds) { this.totalSeconds = seconds; return this; }
    public Double totalSeconds() { return totalSeconds; }

    // ---- evaluation ----

    public MetricsFile validation(Evaluation e) { this.validation = e; return this; }
    public Evaluation validation() { return validation; }

    public MetricsFile test(Evaluation e) { this.test = e; return this; }
    public Evaluation test() { return test; }

    /** Free-form additions (e.g. few-shot results per K); values must be Jackson-serialisable. */
    public MetricsFile extra(String key, Object value) {
        extra.put(key, value);
        return this;
    }
    public Map<String, Object> extra() { return Collections.unmodifiableMap(extra); }

    /** Makes this file a copy of {@code saved} (a checkpoint's), keeping only this run's thread count. */
    void restoreFrom(MetricsFile saved) {
        MetricsFile c = fromJson(saved.toJson());
        schema = c.schema;
        command = c.command;
        arguments = c.arguments;
        status = c.status;
        createdAt = c.createdAt;
        seed = c.seed;
        syntheticData = c.syntheticData;
        dataProvenance = c.dataProvenance;
        lmPretrained = c.lmPretrained;
        lmProvenance = c.lmProvenance;
        config = c.config;
        history = c.history;
        selectedEpoch = c.selectedEpoch;
        selectionCriterion = c.selectionCriterion;
        totalSeconds = c.totalSeconds;
        divergence = c.divergence;
        error = c.error;
        validation = c.validation;
        test = c.test;
        extra = c.extra;
    }

    // ---- JSON ----

    public String toJson() { return MetricsJson.write(this); }

    public static MetricsFile fromJson(String json) { return MetricsJson.read(json, MetricsFile.class); }
}
