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
    private final byte[] fine;
    private final String[] reports;
    private final int[][] splitIndices;
    private final FileChannel channel;
    private final JsonNode json;
    private final long recordBytes;

    private DiskDataset(Path folder, Path signalsFile, DatasetInfo info, JsonNode json, List<String> ids,
                        List<Split> splits, List<Integer> fine, List<String> reports, FileChannel ch) {
        this.folder = folder;
        this.signalsFile = signalsFile;
        this.info = info;
        this.json = json;
        this.ids = ids.toArray(new String[0]);
        this.splits = splits.toArray(new Split[0]);
        this.fine = new byte[fine.size()];
        for (int i = 0; i < fine.size(); i++) this.fine[i] = (byte) (int) fine.get(i);
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
        List<Integer> fine = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        int[][] classCounts = new int[Split.values().length][EcgClasses.numFine() + 1];   // the last column: unlabelled records
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (Csv.Reader r = Csv.Reader.open(cf)) {
            List<String> header = r.next();
            if (header == null) throw new EcgDataException(cf, "line 1", "empty file, expected header "
                    + String.join(",", DatasetWriter.CSV_HEADER));
            List<String> trimmed = new ArrayList<>();
            for (String h : header) trimmed.add(h.trim());
            if (!trimmed.equals(DatasetWriter.CSV_HEADER))
                throw new EcgDataException(cf, "line 1", "bad header " + header + ", expected "
                        + String.join(",", DatasetWriter.CSV_HEADER));
            List<String> f;
            while ((f = r.next()) != null) {
                String where = "line " + r.line() + " (record " + ids.size() + ")";
                if (f.size() == 1 && f.get(0).isEmpty()) throw new EcgDataException(cf, where, "empty line");
                if (ids.size() == meta.total()) // bounds memory by the declared count
                    throw new EcgDataException(cf, where, "more rows than the " + meta.total() + " records "
                            + DatasetWriter.JSON + " declares in 'counts.total'");
                if (f.size() != 5)
                    throw new EcgDataException(cf, where, "expected 5 fields, got " + f.size());
                String id = f.get(0);
                if (id.isEmpty()) throw new EcgDataException(cf, where + ", field 'id'", "empty id");
                if (!seen.add(id)) throw new EcgDataException(cf, where + ", field 'id'", "duplicate id '" + id + "'");
                Split sp;
                try {
                    sp = Split.parse(f.get(1));
                } catch (IllegalArgumentException e) {
                    throw new EcgDataException(cf, where + ", field 'split'", e.getMessage());
                }
                boolean unlabelled = f.get(2).isEmpty() && f.get(3).isEmpty();   // the format's marker of a record without a label
                if (!unlabelled && (f.get(2).isEmpty() || f.get(3).isEmpty()))
                    throw new EcgDataException(cf, where + ", field '" + (f.get(2).isEmpty() ? "fine_label" : "coarse_label") + "'",
                            "empty, but the other label is not: an unlabelled record leaves both empty");
                int fl = unlabelled ? Dataset.UNLABELLED : EcgClasses.fineIndexOrMinus1(f.get(2));
                if (!unlabelled && fl < 0) throw new EcgDataException(cf, where + ", field 'fine_label'", "unknown label name '"
                        + f.get(2) + "', expected one of " + EcgClasses.FINE);
                int cl = unlabelled ? Dataset.UNLABELLED : EcgClasses.coarseIndexOrMinus1(f.get(3));
                if (!unlabelled && cl < 0) throw new EcgDataException(cf, where + ", field 'coarse_label'", "unknown label name '"
                        + f.get(3) + "', expected one of " + EcgClasses.COARSE);
                if (!unlabelled && cl != EcgClasses.coarseOf(fl))
                    throw new EcgDataException(cf, where + ", field 'coarse_label'", "coarse label " + f.get(3)
                            + " does not match fine label " + f.get(2) + " (expected "
                            + EcgClasses.COARSE.get(EcgClasses.coarseOf(fl)) + ")");
                ids.add(id);
                splits.add(sp);
                fine.add(fl);
                reports.add(f.get(4));
                classCounts[sp.ordinal()][unlabelled ? EcgClasses.numFine() : fl]++;
            }
        }
        meta.checkCounts(classCounts, cf);

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
        return new DiskDataset(folder, sf, info, meta.json(), ids, splits, fine, reports, ch);
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
    @Override public int fineLabel(int index) { return fine[index]; }
    @Override public String report(int index) { return reports[index]; }

    @Override
    public void readSignal(int index, float[] dst, int offset) {
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
                if (r < 0) throw new EcgDataException(signalsFile, "record " + index + " (id " + ids[index] + ")",
                        "unexpected end of file (file changed after open?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading record " + index + " from " + signalsFile, e);
        }
        bb.flip();
        bb.asFloatBuffer().get(dst, offset, count);
        DataChecks.requireFinite(this, signalsFile, index, dst, offset);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
