package io.medualtime.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a dataset in the canonical format (see {@code FORMAT.md}). Metadata (dataset.json and
 * records.csv) is parsed and validated on {@link #open(Path)}; signals stay on disk and are read
 * per record with positioned reads (thread-safe, no 2 GiB limit, nothing loaded up front).
 */
public final class DiskDataset implements Dataset {
    private final Path folder;
    private final Path signalsFile;
    private final DatasetInfo info;
    private final String[] ids;
    private final Split[] splits;
    private final short[][] labels;   // [column][record], UNLABELLED for none
    private final String[] reports;
    private final int[][] splitIndices;
    private final FileChannel channel;
    private final JsonNode json;
    private final long recordBytes;

    private DiskDataset(Path folder, Path signalsFile, DatasetJson meta, List<String> ids,
            List<Split> splits, short[][] labels, List<String> reports, FileChannel ch) {
        this.folder = folder;
        this.signalsFile = signalsFile;
        this.info = meta.info();
        this.json = meta.json();
        this.ids = ids.toArray(new String[0]);
        this.splits = splits.toArray(new Split[0]);
        this.labels = labels;
        this.reports = reports.toArray(new String[0]);
        this.channel = ch;
        this.recordBytes = (long) info.leads() * info.steps() * 4;
        this.splitIndices = new int[Split.values().length][];
        for (Split s : Split.values()) {
            int c = 0;
            for (Split x : this.splits) if (x == s) c++;
            int[] idx = new int[c];
            c = 0;
            for (int i = 0; i < this.splits.length; i++) if (this.splits[i] == s) idx[c++] = i;
            splitIndices[s.ordinal()] = idx;
        }
    }

    /**
     * Opens and validates a dataset folder: every field of dataset.json, every row of records.csv and the
     * exact size of signals.f32 (see FORMAT.md); the files must lie inside the folder (links included).
     *
     * @throws EcgDataException for a missing or malformed file, naming the file and line/field
     */
    public static DiskDataset open(Path folder) throws IOException {
        if (!Files.isDirectory(folder))
            throw new EcgDataException(folder, null, Files.exists(folder) ? "not a folder" : "dataset folder not found");
        DatasetJson meta = DatasetJson.read(folder);
        DatasetInfo info = meta.info();

        // records.csv
        Path cf = DataFiles.fixed(folder, DatasetWriter.CSV);
        List<String> ids = new ArrayList<>();
        List<Split> splits = new ArrayList<>();
        List<LabelColumn> cols = info.labels();
        int nc = cols.size();
        boolean v1 = info.ptbXlLabelling();
        short[][] labels = new short[nc][Math.min(meta.total(), 1 << 16)];
        List<String> reports = new ArrayList<>();
        int[] splitCounts = new int[Split.values().length];
        int[][][] classCounts = new int[Split.values().length][nc][];
        for (int[][] perSplit : classCounts) for (int c = 0; c < nc; c++) perSplit[c] = new int[cols.get(c).size()];
        List<String> expectedHeader = DatasetWriter.csvHeader(cols);
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (Csv.Reader r = Csv.Reader.open(cf)) {
            List<String> header = r.next();
            if (header == null)
                throw new EcgDataException(cf, "line 1", "empty file, expected header "
                        + String.join(",", expectedHeader));
            List<String> trimmed = new ArrayList<>();
            for (String h : header) trimmed.add(h.trim());
            if (!trimmed.equals(expectedHeader))
                throw new EcgDataException(cf, "line 1", "bad header " + header + ", expected "
                        + String.join(",", expectedHeader));
            int fields = expectedHeader.size();
            List<String> f;
            while ((f = r.next()) != null) {
                String where = "line " + r.line() + " (record " + ids.size() + ")";
                if (f.size() == 1 && f.get(0).isEmpty()) throw new EcgDataException(cf, where, "empty line");
                if (ids.size() == meta.total()) // bounds memory by the declared count
                    throw new EcgDataException(cf, where, "more rows than the " + meta.total() + " records "
                            + DatasetWriter.JSON + " declares in 'counts.total'");
                if (f.size() != fields)
                    throw new EcgDataException(cf, where, "expected " + fields + " fields, got " + f.size());
                String id = f.get(0);
                if (id.isEmpty()) throw new EcgDataException(cf, where + ", field 'id'", "empty id");
                if (!seen.add(id)) throw new EcgDataException(cf, where + ", field 'id'", "duplicate id '" + id + "'");
                Split sp;
                try {
                    sp = Split.parse(f.get(1));
                } catch (IllegalArgumentException e) {
                    throw new EcgDataException(cf, where + ", field 'split'", e.getMessage());
                }
                int[] y = labels(f, cols, cf, where, v1);
                int n = ids.size();
                if (n == labels[0].length)
                    for (int c = 0; c < nc; c++) labels[c] = java.util.Arrays.copyOf(labels[c], Math.min(meta.total(), 2 * n));
                for (int c = 0; c < nc; c++) {
                    labels[c][n] = (short) y[c];
                    if (y[c] != UNLABELLED) classCounts[sp.ordinal()][c][y[c]]++;
                }
                ids.add(id);
                splits.add(sp);
                reports.add(f.get(fields - 1));
                splitCounts[sp.ordinal()]++;
            }
        }
        for (int c = 0; c < nc; c++) labels[c] = java.util.Arrays.copyOf(labels[c], ids.size());
        meta.checkCounts(splitCounts, classCounts, cf);

        Path sf = DataFiles.fixed(folder, DatasetWriter.SIGNALS);
        long expected = (long) ids.size() * info.leads() * info.steps() * 4;
        long actual = DataFiles.regularSize(sf, Long.MAX_VALUE, "file");
        if (actual != expected)
            throw new EcgDataException(sf, null, "wrong size: " + actual + " bytes, expected " + expected + " = "
                    + ids.size() + " records x " + info.leads() + " leads x " + info.steps() + " steps x 4 bytes");
        if (meta.signalBytes() >= 0 && meta.signalBytes() != expected)
            throw new EcgDataException(meta.file(), "field 'signals.bytes'", "says " + meta.signalBytes() + " bytes, "
                    + sf.getFileName() + " holds " + expected + " (" + ids.size() + " records x " + info.leads()
                    + " leads x " + info.steps() + " steps x 4 bytes)");
        FileChannel ch;
        try {
            ch = FileChannel.open(sf, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new EcgDataException(sf, null, "missing file", e);
        }
        return new DiskDataset(folder, sf, meta, ids, splits, labels, reports, ch);
    }

    /**
     * The label ids of one row (fields 2.. of records.csv): a class of each column, or all empty (unlabelled). In the
     * PTB-XL labelling (format version 1) the coarse label must be the grouping of the fine one.
     */
    private static int[] labels(List<String> f, List<LabelColumn> cols, Path cf, String where, boolean v1) {
        int nc = cols.size();
        int empty = 0;
        for (int c = 0; c < nc; c++) if (f.get(2 + c).isEmpty()) empty++;
        int[] y = new int[nc];
        if (empty == nc) {
            java.util.Arrays.fill(y, UNLABELLED);
            return y;
        }
        for (int c = 0; c < nc; c++) {
            LabelColumn col = cols.get(c);
            String name = f.get(2 + c);
            String field = where + ", field '" + col.csvField() + "'";
            if (name.isEmpty())
                throw new EcgDataException(cf, field, nc == 2
                        ? "empty, but the other label is not: an unlabelled record leaves both empty"
                        : "empty, but other labels are not: an unlabelled record leaves every label empty");
            y[c] = col.indexOf(name);
            if (y[c] < 0) throw new EcgDataException(cf, field, "unknown label name '" + name + "', expected one of " + col.classes());
        }
        if (v1 && y[1] != EcgClasses.coarseOf(y[0]))
            throw new EcgDataException(cf, where + ", field 'coarse_label'", "coarse label " + f.get(3)
                    + " does not match fine label " + f.get(2) + " (expected "
                    + EcgClasses.COARSE.get(EcgClasses.coarseOf(y[0])) + ")");
        return y;
    }

    public Path folder() { return folder; }

    /** The parsed dataset.json (e.g. for {@code extra}). */
    public JsonNode json() { return json; }

    @Override public DatasetInfo info() { return info; }
    @Override public int size() { return ids.length; }
    @Override public int size(Split split) { return splitIndices[split.ordinal()].length; }
    @Override public int[] indices(Split split) { return splitIndices[split.ordinal()].clone(); }
    @Override public String id(int index) { return ids[index]; }
    @Override public Split split(int index) { return splits[index]; }
    @Override public int label(int column, int index) { return labels[column][index]; }
    @Override public String report(int index) { return reports[index]; }

    @Override public void readSignal(int index, float[] dst, int offset) {
        if (index < 0 || index >= ids.length)
            throw new IndexOutOfBoundsException("record " + index + " of " + ids.length);
        int count = info.leads() * info.steps();
        if (offset < 0 || offset + count > dst.length)
            throw new IndexOutOfBoundsException("dst too small: need " + count + " floats at offset " + offset);
        ByteBuffer bb = ByteBuffer.allocate((int) recordBytes).order(ByteOrder.LITTLE_ENDIAN);
        long pos = index * recordBytes;
        try {
            while (bb.hasRemaining()) {
                int r = channel.read(bb, pos + bb.position());
                if (r < 0)
                    throw new EcgDataException(signalsFile, "record " + index + " (id " + ids[index] + ")",
                            "unexpected end of file (file changed after open?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading record " + index + " from " + signalsFile, e);
        }
        bb.flip();
        bb.asFloatBuffer().get(dst, offset, count);
        DataChecks.requireFinite(this, signalsFile, index, dst, offset);
    }

    @Override public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
