package io.medualtime.train;

import io.medualtime.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The output folder of one run ({@code runs/<name>-<yyyyMMdd-HHmmss>}) and the files in it:
 * {@code metrics.json} ({@link MetricsFile}), {@code predictions.csv} / {@code predictions.json}, and any text
 * (e.g. {@code report.txt}). Every file is written atomically: to a temporary file in the same folder, flushed
 * to disk, then renamed over the target, so a reader (or a crash) never sees a half-written file and no
 * temporary file is left behind. I/O errors are rethrown as {@link UncheckedIOException}.
 */
public final class RunFolder {

    public static final String METRICS_FILE = "metrics.json";
    public static final String PREDICTIONS_CSV = "predictions.csv";
    public static final String PREDICTIONS_JSON = "predictions.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;
    private final List<Consumer<String>> checkpointListeners = new ArrayList<>();

    private RunFolder(Path dir) { this.dir = dir; }

    /**
     * Calls {@code listener} after every {@link ResumeState resume checkpoint} written into this folder, with what
     * it holds (e.g. {@code "epoch 3"}); a listener that throws stops the run right after a checkpoint (tests).
     */
    public RunFolder onCheckpoint(Consumer<String> listener) {
        checkpointListeners.add(listener);
        return this;
    }

    void checkpointed(String what) { checkpointListeners.forEach(l -> l.accept(what)); }

    /** A new folder {@code <runsRoot>/<name>-<local time yyyyMMdd-HHmmss>} (with {@code -2}, {@code -3}... if taken). */
    public static RunFolder create(Path runsRoot, String name) {
        return create(runsRoot, name, Clock.systemDefaultZone());
    }

    /** As {@link #create(Path, String)} with the given clock (for tests). */
    public static RunFolder create(Path runsRoot, String name, Clock clock) {
        String base = sanitise(name) + "-" + LocalDateTime.now(clock).format(STAMP);
        try {
            Files.createDirectories(runsRoot);
            for (int k = 1;; k++) {
                Path candidate = runsRoot.resolve(k == 1 ? base : base + "-" + k);
                try {
                    return new RunFolder(Files.createDirectory(candidate)); // atomic: two runs never share a folder
                } catch (FileAlreadyExistsException taken) {
                    if (k >= 1000) throw taken;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder under " + runsRoot, e);
        }
    }

    /** The given folder, created if missing; an existing one is used as it is (see {@link #open} for a checked one). */
    public static RunFolder at(Path dir) {
        try {
            AtomicFiles.cleanStale(dir);   // what a killed run left behind
            return new RunFolder(Files.createDirectories(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir, e);
        }
    }

    /** What {@link #open} does with a folder that already holds files. */
    public enum Existing {
        /** Refuse it: a new run never mixes its files with an older run's. */
        REFUSE,
        /** Use it: the run in it continues ({@code --resume}). */
        RESUME,
        /** Delete the old run's files first ({@code --overwrite}); only in a folder that holds a run. */
        OVERWRITE
    }

    /**
     * The run folder {@code dir}, created if missing. One that exists and holds files (temporary files of dead
     * processes aside, which are removed) is refused with a one-line {@link IllegalArgumentException} unless
     * {@code existing} is {@link Existing#RESUME} or {@link Existing#OVERWRITE}; overwrite deletes the folder's
     * content first, and only where it holds a run ({@code run.json}, {@code metrics.json} or
     * {@code resume.safetensors}), so that a mistyped {@code --out} never deletes other files.
     */
    public static RunFolder open(Path dir, Existing existing) {
        AtomicFiles.cleanStale(dir);
        List<String> files = listing(dir);
        if (!files.isEmpty()) {
            switch (existing) {
                case REFUSE -> throw new IllegalArgumentException("run folder " + dir + " already holds a run or other files ("
                        + String.join(", ", files.subList(0, Math.min(3, files.size()))) + (files.size() > 3 ? ", ..." : "")
                        + "); continue it with --resume " + dir + ", replace it with --overwrite, or choose another --out");
                case OVERWRITE -> {
                    if (files.stream().noneMatch(RUN_MARKERS::contains))
                        throw new IllegalArgumentException(
                                "--overwrite: " + dir + " holds no run (none of " + String.join(", ", RUN_MARKERS)
                                        + "); refusing to delete its files");
                    clear(dir);
                }
                case RESUME -> {}
            }
        }
        return at(dir);
    }

    /** Files that mark a folder as a run folder. */
    private static final List<String> RUN_MARKERS = List.of(ModelSpec.FILE, METRICS_FILE, ResumeState.FILE);

    private static List<String> listing(Path dir) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) throw new IllegalArgumentException("run folder " + dir + " is a file, not a folder");
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list run folder " + dir, e);
        }
    }

    private static void clear(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) AtomicFiles.deleteTree(p);
        } catch (IOException e) {
            throw new UncheckedIOException("--overwrite: cannot delete the old run's files in " + dir, e);
        }
    }

    /** Letters, digits, {@code . _ -} kept; anything else becomes {@code _}. */
    static String sanitise(String name) {
        String s = Objects.requireNonNull(name, "name").strip().replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "run" + s : s;
    }

    public Path dir() { return dir; }

    public Path resolve(String fileName) { return dir.resolve(fileName); }

    /** Writes {@code metrics.json} atomically and returns its path. */
    public Path writeMetrics(MetricsFile metrics) {
        Path target = dir.resolve(METRICS_FILE);
        writeAtomically(target, metrics.toJson().getBytes(StandardCharsets.UTF_8));
        return target;
    }

    /** Ends a run: status {@link MetricsFile#COMPLETED}, {@code metrics.json} written, the resume checkpoint deleted. */
    public void complete(MetricsFile metrics) {
        writeMetrics(metrics.status(MetricsFile.COMPLETED));
        ResumeState.delete(this);
    }

    /**
     * Records why a run stopped ({@link MetricsFile#failed}) in its {@code metrics.json}, best effort: the error
     * itself is what the caller reports, so a second failure here is not allowed to hide it.
     */
    public void recordFailure(MetricsFile metrics, Throwable error) {
        try {
            String message = error.getMessage() == null ? error.toString() : error.getMessage();
            writeMetrics(metrics.failed(message.lines().findFirst().orElse(message)));
        } catch (RuntimeException | Error ignored) {
            // the original error is the one that matters
        }
    }

    /** Runs {@code protocol}; when it throws, records the failure ({@link #recordFailure}) and rethrows. */
    public <T> T recordingFailure(MetricsFile metrics, Supplier<T> protocol) {
        try {
            return protocol.get();
        } catch (RuntimeException | Error e) {
            recordFailure(metrics, e);
            throw e;
        }
    }

    /**
     * Records a divergence ({@link MetricsFile#diverged}) in {@code metrics.json} and returns the one-line error
     * that stops the run: {@code <what> is NaN at epoch E, step S (diverged; recorded in ...)<hint>}.
     */
    public IllegalStateException recordDivergence(MetricsFile metrics, MetricsFile.Divergence d, String what, String hint) {
        writeMetrics(metrics.diverged(d));
        return new IllegalStateException(what + " is " + d.loss() + " at epoch " + d.epoch() + (d.step() > 0 ? ", step " + d.step() : "")
                + " (diverged; recorded in " + resolve(METRICS_FILE) + ")" + hint);
    }

    /** Reads a {@code metrics.json}, given the file or its run folder. */
    public static MetricsFile readMetrics(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(METRICS_FILE) : fileOrFolder;
        try {
            return MetricsFile.fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes a UTF-8 text file in the folder atomically (e.g. {@code report.txt}) and returns its path. */
    public Path writeText(String fileName, String text) {
        Path target = dir.resolve(fileName);
        writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
        return target;
    }

    /**
     * One prediction.
     *
     * @param id            the sample id (e.g. PTB-XL's ecg_id)
     * @param trueLabel     the true class id, or null when unknown
     * @param predicted     the predicted class id
     * @param probabilities per-class probabilities in class order, or null
     */
    public record Prediction(String id, Integer trueLabel, int predicted, double[] probabilities) {
        public Prediction {
            Objects.requireNonNull(id, "id");
        }

        /** The prediction is the argmax of {@code probabilities} (the first on ties). */
        public static Prediction argmax(String id, Integer trueLabel, double[] probabilities) {
            int best = 0;
            for (int c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
            return new Prediction(id, trueLabel, best, probabilities.clone());
        }
    }

    /**
     * Writes {@code predictions.csv} and {@code predictions.json} atomically.
     *
     * <p>CSV columns: {@code id,true,true_name,predicted,predicted_name,p_<class>...} (empty cells for an unknown
     * true label or missing probabilities; the id is quoted when needed). JSON:
     * {@code {"classNames": [...], "predictions": [{"id", "trueLabel", "trueName", "predicted", "predictedName",
     * "probabilities": [...]}]}}.
     *
     * @throws IllegalArgumentException for a class id out of range or a probability vector of the wrong length
     */
    public void writePredictions(List<String> classNames, List<Prediction> predictions) {
        int k = classNames.size();
        for (Prediction p : predictions) {
            if (p.predicted() < 0 || p.predicted() >= k)
                throw new IllegalArgumentException("prediction of " + p.id() + " out of range: " + p.predicted());
            if (p.trueLabel() != null && (p.trueLabel() < 0 || p.trueLabel() >= k))
                throw new IllegalArgumentException("true label of " + p.id() + " out of range: " + p.trueLabel());
            if (p.probabilities() != null && p.probabilities().length != k)
                throw new IllegalArgumentException(
                        "probabilities of " + p.id() + " have " + p.probabilities().length + " entries for " + k + " classes");
        }
        StringBuilder csv = new StringBuilder("id,true,true_name,predicted,predicted_name");
        for (String c : classNames) csv.append(",").append(csvCell("p_" + c));
        csv.append('\n');
        List<Map<String, Object>> rows = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            csv.append(csvCell(p.id())).append(',');
            if (p.trueLabel() != null) csv.append(p.trueLabel()).append(',').append(csvCell(classNames.get(p.trueLabel())));
            else csv.append(',');
            csv.append(',').append(p.predicted()).append(',').append(csvCell(classNames.get(p.predicted())));
            for (int c = 0; c < k; c++) {
                csv.append(',');
                if (p.probabilities() != null) csv.append(p.probabilities()[c]);
            }
            csv.append('\n');
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", p.id());
            row.put("trueLabel", p.trueLabel());
            row.put("trueName", p.trueLabel() == null ? null : classNames.get(p.trueLabel()));
            row.put("predicted", p.predicted());
            row.put("predictedName", classNames.get(p.predicted()));
            row.put("probabilities", p.probabilities());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("classNames", classNames);
        json.put("predictions", rows);
        writeAtomically(dir.resolve(PREDICTIONS_CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
        writeAtomically(dir.resolve(PREDICTIONS_JSON), MetricsJson.write(json).getBytes(StandardCharsets.UTF_8));
    }

    static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * Writes {@code bytes} to {@code target} atomically ({@link AtomicFiles#write}): a reader or a crash sees the
     * old file or the new one, and no temporary file is left behind.
     */
    public static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override public String toString() { return dir.toString(); }
}
