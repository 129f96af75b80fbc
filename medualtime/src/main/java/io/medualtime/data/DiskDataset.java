package io.medualtime.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private DiskDataset(Path folder, DatasetInfo info, JsonNode json, List<String> ids, List<Split> splits,
                        List<Integer> fine, List<String> reports, FileChannel ch) {
        this.folder = folder;
        this.signalsFile = folder.resolve(DatasetWriter.SIGNALS);
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
     * Opens and validates a dataset folder.
     *
     * @throws EcgDataException for a missing or malformed file, naming the file and line/field
     */
    public static DiskDataset open(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) throw new EcgDataException(folder, null, "dataset folder not found");
        Path jf = folder.resolve(DatasetWriter.JSON);
        if (!Files.exists(jf)) throw new EcgDataException(jf, null, "missing file");
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(jf.toFile());
        } catch (JsonProcessingException e) {
            throw new EcgDataException(jf, "line " + e.getLocation().getLineNr(), "invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (j == null || !j.isObject()) throw new EcgDataException(jf, null, "not a JSON object");
        String format = text(j, "format", jf);
        if (!DatasetWriter.FORMAT.equals(format))
            throw new EcgDataException(jf, "field 'format'", "expected '" + DatasetWriter.FORMAT + "', got '" + format + "'");
        int version = integer(j, "format_version", jf);
        if (version != DatasetWriter.FORMAT_VERSION)
            throw new EcgDataException(jf, "field 'format_version'", "unsupported version " + version
                    + " (this reader knows " + DatasetWriter.FORMAT_VERSION + ")");
        List<String> leads = new ArrayList<>();
        JsonNode ln = field(j, "leads", jf);
        if (!ln.isArray() || ln.isEmpty()) throw new EcgDataException(jf, "field 'leads'", "must be a non-empty array");
        for (JsonNode x : ln) leads.add(x.asText());
        int steps = integer(j, "steps", jf);
        if (steps <= 0) throw new EcgDataException(jf, "field 'steps'", "must be > 0, got " + steps);
        JsonNode fsn = field(j, "sampling_rate_hz", jf);
        if (!fsn.isNumber() || !(fsn.asDouble() > 0))
            throw new EcgDataException(jf, "field 'sampling_rate_hz'", "must be a positive number, got " + fsn);
        JsonNode syn = field(j, "synthetic", jf);
        if (!syn.isBoolean()) throw new EcgDataException(jf, "field 'synthetic'", "must be true or false, got " + syn);
        String units = j.path("units").asText("mV");
        if (!units.equals("mV")) throw new EcgDataException(jf, "field 'units'", "expected 'mV', got '" + units + "'");
        JsonNode classes = field(j, "classes", jf);
        checkClassList(classes.path("fine"), EcgClasses.FINE, jf, "classes.fine");
        checkClassList(classes.path("coarse"), EcgClasses.COARSE, jf, "classes.coarse");
        DatasetInfo info = new DatasetInfo(text(j, "name", jf), text(j, "provenance", jf), syn.asBoolean(), leads,
                steps, fsn.asDouble());
        JsonNode counts = field(j, "counts", jf);

        // records.csv
        Path cf = folder.resolve(DatasetWriter.CSV);
        List<String> ids = new ArrayList<>();
        List<Split> splits = new ArrayList<>();
        List<Integer> fine = new ArrayList<>();
        List<String> reports = new ArrayList<>();
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
                int fl = EcgClasses.fineIndexOrMinus1(f.get(2));
                if (fl < 0) throw new EcgDataException(cf, where + ", field 'fine_label'", "unknown label name '"
                        + f.get(2) + "', expected one of " + EcgClasses.FINE);
                int cl = EcgClasses.coarseIndexOrMinus1(f.get(3));
                if (cl < 0) throw new EcgDataException(cf, where + ", field 'coarse_label'", "unknown label name '"
                        + f.get(3) + "', expected one of " + EcgClasses.COARSE);
                if (cl != EcgClasses.coarseOf(fl))
                    throw new EcgDataException(cf, where + ", field 'coarse_label'", "coarse label " + f.get(3)
                            + " does not match fine label " + f.get(2) + " (expected "
                            + EcgClasses.COARSE.get(EcgClasses.coarseOf(fl)) + ")");
                ids.add(id);
                splits.add(sp);
                fine.add(fl);
                reports.add(f.get(4));
            }
        }
        int n = ids.size();
        int total = integer(counts, "total", jf);
        if (total != n) throw new EcgDataException(jf, "field 'counts.total'", "says " + total + " records, "
                + cf.getFileName() + " has " + n);
        for (Split s : Split.values()) {
            int want = integer(counts, s.diskName(), jf);
            long have = splits.stream().filter(x -> x == s).count();
            if (want != have) throw new EcgDataException(jf, "field 'counts." + s.diskName() + "'", "says " + want
                    + " records, " + cf.getFileName() + " has " + have);
        }

        Path sf = folder.resolve(DatasetWriter.SIGNALS);
        if (!Files.exists(sf)) throw new EcgDataException(sf, null, "missing file");
        long expected = (long) n * leads.size() * steps * 4;
        long actual = Files.size(sf);
        if (actual != expected)
            throw new EcgDataException(sf, null, "wrong size: " + actual + " bytes, expected " + expected + " = "
                    + n + " records x " + leads.size() + " leads x " + steps + " steps x 4 bytes");
        FileChannel ch;
        try {
            ch = FileChannel.open(sf, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new EcgDataException(sf, null, "missing file", e);
        }
        return new DiskDataset(folder, info, j, ids, splits, fine, reports, ch);
    }

    private static void checkClassList(JsonNode node, List<String> expected, Path jf, String field) {
        List<String> got = new ArrayList<>();
        if (node.isArray()) for (JsonNode x : node) got.add(x.asText());
        if (!got.equals(expected))
            throw new EcgDataException(jf, "field '" + field + "'", "class list " + (node.isMissingNode() ? "missing" : got)
                    + " differs from the project's fixed list " + expected);
    }

    private static JsonNode field(JsonNode j, String name, Path jf) {
        JsonNode n = j.get(name);
        if (n == null || n.isNull()) throw new EcgDataException(jf, "field '" + name + "'", "missing");
        return n;
    }

    private static String text(JsonNode j, String name, Path jf) {
        JsonNode n = field(j, name, jf);
        if (!n.isTextual()) throw new EcgDataException(jf, "field '" + name + "'", "must be a string, got " + n);
        return n.asText();
    }

    private static int integer(JsonNode j, String name, Path jf) {
        JsonNode n = field(j, name, jf);
        if (!n.isIntegralNumber() || !n.canConvertToInt())
            throw new EcgDataException(jf, "field '" + name + "'", "must be an integer, got " + n);
        return n.asInt();
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
        int steps = info.steps();
        for (int i = 0; i < count; i++) {
            float v = dst[offset + i];
            if (!Float.isFinite(v))
                throw new EcgDataException(signalsFile, "record " + index + " (id " + ids[index] + "), lead "
                        + info.leadNames().get(i / steps) + ", step " + (i % steps), "non-finite value " + v);
        }
    }

    /** Reads every signal once and checks that all values are finite (a full scan; optional). */
    public void verifySignals() {
        float[] buf = new float[info.leads() * info.steps()];
        for (int i = 0; i < size(); i++) readSignal(i, buf, 0);
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
