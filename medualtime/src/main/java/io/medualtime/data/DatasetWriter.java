package io.medualtime.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.medualtime.tensor.io.AtomicFiles;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streams records into the canonical on-disk format (see {@code FORMAT.md} in this package).
 *
 * <p>Everything is written into a temporary sibling folder {@code .<name>.tmp-<host>-<pid>-<random>} ({@link AtomicFiles}); {@link #commit()}
 * writes {@code dataset.json} last and renames the folder into place (atomic where the file system
 * allows). If the target exists it must be empty or an earlier dataset (it contains
 * {@code dataset.json}); it is then replaced. Closing without commit deletes the temporary folder,
 * so a failed run never leaves a half-written dataset behind.
 *
 * <pre>{@code
 * try (DatasetWriter w = DatasetWriter.create(folder, info)) {
 *     for (EcgRecord r : records) w.add(r);
 *     w.commit();
 * }
 * }</pre>
 */
public final class DatasetWriter implements AutoCloseable {
    public static final String FORMAT = "medualtime-ecg-dataset";
    /** The version written for declared label columns; the PTB-XL labelling is written as {@link #PTBXL_FORMAT_VERSION}. */
    public static final int FORMAT_VERSION = 2;
    /** Version 1: the PTB-XL labelling only (fixed class lists in {@code classes}, coarse derived from fine). */
    public static final int PTBXL_FORMAT_VERSION = 1;
    public static final String JSON = "dataset.json", CSV = "records.csv", SIGNALS = "signals.f32";
    static final List<String> CSV_HEADER = List.of("id", "split", "fine_label", "coarse_label", "report");

    private final Path target;
    private final Path tmp;
    private final DatasetInfo info;
    private final BufferedWriter csv;
    private final OutputStream sig;
    private final ByteBuffer buf;
    private final Set<String> ids = new HashSet<>();
    private final int[][][] classCounts;   // [split][column][class]
    private final int[] splitCounts = new int[Split.values().length];
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private int n;
    private boolean done;

    private DatasetWriter(Path target, DatasetInfo info) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.info = info;
        this.classCounts = new int[Split.values().length][info.labels().size()][];
        for (int[][] perSplit : classCounts)
            for (int c = 0; c < perSplit.length; c++) perSplit[c] = new int[info.labels().get(c).size()];
        checkTarget(this.target);
        Path parent = this.target.getParent();
        Files.createDirectories(parent);
        AtomicFiles.cleanStale(parent);   // what a killed writer left behind
        this.tmp = AtomicFiles.newTempFolder(this.target);
        BufferedWriter c = null;
        OutputStream s = null;
        try {
            c = Files.newBufferedWriter(tmp.resolve(CSV), StandardCharsets.UTF_8);
            c.write(String.join(",", csvHeader(info.labels())));
            c.write('\n');
            s = new BufferedOutputStream(Files.newOutputStream(tmp.resolve(SIGNALS)), 1 << 20);
        } catch (IOException e) {
            if (c != null) c.close();
            deleteTree(tmp);
            throw e;
        }
        this.csv = c;
        this.sig = s;
        this.buf = ByteBuffer.allocate(info.leads() * info.steps() * 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The header of records.csv for these label columns: {@code id,split,<column>_label...,report}. */
    static List<String> csvHeader(List<LabelColumn> labels) {
        List<String> h = new java.util.ArrayList<>(List.of("id", "split"));
        for (LabelColumn l : labels) h.add(l.csvField());
        h.add("report");
        return h;
    }

    /** Starts writing a dataset that will appear at {@code folder} on {@link #commit()}. */
    public static DatasetWriter create(Path folder, DatasetInfo info) throws IOException {
        return new DatasetWriter(folder, info);
    }

    /** Free-form extra metadata stored under {@code "extra"} in dataset.json (JSON-serialisable values). */
    public DatasetWriter putExtra(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    /** Appends a record; its shape must match the dataset and all values must be finite. */
    public void add(EcgRecord r) throws IOException {
        if (done) throw new IllegalStateException("writer already committed or closed");
        String where = "record " + n + " (id " + r.id() + ")";
        if (r.leads() != info.leads() || r.steps() != info.steps())
            throw new IllegalArgumentException(where + ": shape " + r.leads() + "x" + r.steps() + ", dataset expects "
                    + info.leads() + "x" + info.steps());
        if (n == DataLimits.MAX_RECORDS)
            throw new IllegalArgumentException(where + ": more than " + DataLimits.MAX_RECORDS + " records, the most a reader accepts");
        InMemoryDataset.checkLabels(info, r);
        if (!ids.add(r.id())) throw new IllegalArgumentException(where + ": duplicate id");
        if (r.id().indexOf('\n') >= 0 || r.id().indexOf('\r') >= 0)
            throw new IllegalArgumentException(where + ": id contains a line break");
        buf.clear();
        float[][] s = r.signal();
        for (int l = 0; l < s.length; l++) {
            float[] row = s[l];
            for (int t = 0; t < row.length; t++) {
                float v = row[t];
                if (!Float.isFinite(v))
                    throw new IllegalArgumentException(where + ": non-finite value " + v + " at lead "
                            + info.leadNames().get(l) + ", step " + t);
                buf.putFloat(v);
            }
        }
        sig.write(buf.array(), 0, buf.position());
        csv.write(Csv.quote(r.id(), false));
        csv.write(',');
        csv.write(r.split().diskName());
        csv.write(',');
        for (int c = 0; c < info.labels().size(); c++) {
            int y = r.label(c);
            csv.write(y == Dataset.UNLABELLED ? "" : Csv.quote(info.labels().get(c).classes().get(y), false));
            csv.write(',');
            if (y != Dataset.UNLABELLED) classCounts[r.split().ordinal()][c][y]++;
        }
        csv.write(Csv.quote(r.report(), true));
        csv.write('\n');
        splitCounts[r.split().ordinal()]++;
        n++;
    }

    /** Number of records added so far. */
    public int count() { return n; }

    /** Finishes the files, writes dataset.json and moves the folder into place. Returns the folder. */
    public Path commit() throws IOException {
        if (done) throw new IllegalStateException("writer already committed or closed");
        done = true;
        boolean ok = false;
        try {
            csv.close();
            sig.close();
            writeJson(tmp.resolve(JSON));
            if (Files.exists(target)) {
                checkTarget(target);
                Path old = target.resolveSibling("." + target.getFileName() + ".old-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
                move(target, old);
                move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
            ok = true;
            return target;
        } finally {
            if (!ok) deleteTree(tmp);
        }
    }

    private void writeJson(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        boolean v1 = info.ptbXlLabelling();
        m.put("format_version", v1 ? PTBXL_FORMAT_VERSION : FORMAT_VERSION);
        m.put("name", info.name());
        m.put("synthetic", info.synthetic());
        m.put("provenance", info.provenance());
        m.put("leads", info.leadNames());
        m.put("steps", info.steps());
        m.put("sampling_rate_hz", info.samplingRate());
        m.put("units", "mV");
        Map<String, Object> sigm = new LinkedHashMap<>();
        sigm.put("file", SIGNALS);
        sigm.put("dtype", "float32");
        sigm.put("byte_order", "little-endian");
        sigm.put("layout", "[records, leads, steps]");
        sigm.put("bytes", (long) n * info.leads() * info.steps() * 4);
        m.put("signals", sigm);
        if (v1) {
            Map<String, Object> cls = new LinkedHashMap<>();
            cls.put("fine", EcgClasses.FINE);
            cls.put("coarse", EcgClasses.COARSE);
            Map<String, String> cof = new LinkedHashMap<>();
            for (int k = 0; k < EcgClasses.numFine(); k++)
                cof.put(EcgClasses.FINE.get(k), EcgClasses.COARSE.get(EcgClasses.coarseOf(k)));
            cls.put("coarse_of_fine", cof);
            m.put("classes", cls);
        } else {
            List<Map<String, Object>> labels = new java.util.ArrayList<>();
            for (LabelColumn l : info.labels()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", l.name());
                col.put("classes", l.classes());
                col.put("source", l.source());
                labels.add(col);
            }
            m.put("labels", labels);
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("total", n);
        for (Split s : Split.values()) counts.put(s.diskName(), splitCounts[s.ordinal()]);
        m.put("counts", counts);
        Map<String, Object> cc = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            Map<String, Object> perColumn = new LinkedHashMap<>();
            for (int c = 0; c < info.labels().size(); c++) {
                Map<String, Integer> per = new LinkedHashMap<>();
                LabelColumn l = info.labels().get(c);
                for (int k = 0; k < l.size(); k++) per.put(l.classes().get(k), classCounts[s.ordinal()][c][k]);
                perColumn.put(l.name(), per);
            }
            cc.put(s.diskName(), v1 ? perColumn.get(EcgClasses.FINE_COLUMN) : perColumn);   // version 1 counts the fine classes only
        }
        m.put("class_counts", cc);
        if (!extra.isEmpty()) m.put("extra", extra);
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(file, om.writeValueAsString(m) + "\n", StandardCharsets.UTF_8);
    }

    /** Deletes the temporary folder unless committed. */
    @Override public void close() throws IOException {
        if (done) return;
        done = true;
        try {
            csv.close();
            sig.close();
        } finally {
            deleteTree(tmp);
        }
    }

    private static void checkTarget(Path target) throws IOException {
        if (!Files.exists(target)) return;
        if (!Files.isDirectory(target))
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a folder");
        if (Files.exists(target.resolve(JSON))) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
            if (ds.iterator().hasNext())
                throw new FileAlreadyExistsException(target.toString(), null,
                        "folder is not empty and holds no " + JSON + "; refusing to replace it");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) deleteTree(c);
            }
        }
        Files.deleteIfExists(p);
    }

    static UncheckedIOException unchecked(IOException e) { return new UncheckedIOException(e); }
}
