package io.medualtime.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private RunFolder(Path dir) { this.dir = dir; }

    /** A new folder {@code <runsRoot>/<name>-<local time yyyyMMdd-HHmmss>} (with {@code -2}, {@code -3}... if taken). */
    public static RunFolder create(Path runsRoot, String name) { return create(runsRoot, name, Clock.systemDefaultZone()); }

    /** As {@link #create(Path, String)} with the given clock (for tests). */
    public static RunFolder create(Path runsRoot, String name, Clock clock) {
        String base = sanitise(name) + "-" + LocalDateTime.now(clock).format(STAMP);
        try {
            Files.createDirectories(runsRoot);
            for (int k = 1; ; k++) {
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

    /** The given folder (created if missing; an existing one is reused and its files overwritten). */
    public static RunFolder at(Path dir) {
        try {
            return new RunFolder(Files.createDirectories(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir, e);
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
            if (p.predicted() < 0 || p.predicted() >= k) throw new IllegalArgumentException("prediction of " + p.id() + " out of range: " + p.predicted());
            if (p.trueLabel() != null && (p.trueLabel() < 0 || p.trueLabel() >= k))
                throw new IllegalArgumentException("true label of " + p.id() + " out of range: " + p.trueLabel());
            if (p.probabilities() != null && p.probabilities().length != k)
                throw new IllegalArgumentException("probabilities of " + p.id() + " have " + p.probabilities().length + " entries for " + k + " classes");
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
     * Writes {@code bytes} to {@code target}: a temporary file {@code .<name>.*.tmp} in the same folder, forced
     * to disk, then renamed over {@code target} (atomically where the file system can; a plain replacing move
     * otherwise). The temporary file is removed on failure.
     */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Makes the rename durable on POSIX file systems; not possible everywhere (e.g. Windows), so best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    @Override public String toString() { return dir.toString(); }
}
