package io.medualtime.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dataset.json}, read and checked field by field (FORMAT.md): a field the reader would not honour
 * exactly (an unknown field, another dtype or file name, a null, a wrong type, a size out of bounds) is
 * an error naming the file and the field, never silently ignored.
 *
 * @param file   the dataset.json read
 * @param info   the static description
 * @param json   the whole parsed file (for {@code extra})
 * @param counts {@code counts.total} and then one count per split, in {@link Split} order
 */
record DatasetJson(Path file, DatasetInfo info, JsonNode json, int[] counts) {
    static final String SIGNALS_DTYPE = "float32", SIGNALS_BYTE_ORDER = "little-endian",
            SIGNALS_LAYOUT = "[records, leads, steps]";
    /** The fields of version 1 (PTB-XL labelling in {@code classes}); version 2 has {@code labels} instead. */
    private static final Set<String> FIELDS = Set.of("format", "format_version", "name", "synthetic", "provenance",
            "leads", "steps", "sampling_rate_hz", "units", "signals", "classes", "counts", "class_counts", "extra");
    private static final Set<String> FIELDS_V2 = Set.of("format", "format_version", "name", "synthetic", "provenance",
            "leads", "steps", "sampling_rate_hz", "units", "signals", "labels", "counts", "class_counts", "extra");
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads and checks {@code folder/dataset.json} (everything that does not need records.csv). */
    static DatasetJson read(Path folder) throws IOException {
        Path jf = DataFiles.fixed(folder, DatasetWriter.JSON);
        String text = DataFiles.readText(jf, DataLimits.MAX_JSON_BYTES, "file");
        JsonNode j;
        try {
            j = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new EcgDataException(jf, at == null ? null : "line " + at.getLineNr(), "invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (j == null || !j.isObject()) throw new EcgDataException(jf, null, "not a JSON object");
        JsonNode vn = j.get("format_version");
        boolean v2 = vn != null && vn.isInt() && vn.asInt() == DatasetWriter.FORMAT_VERSION;
        for (Iterator<String> it = j.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!(v2 ? FIELDS_V2 : FIELDS).contains(name))
                throw new EcgDataException(jf, "field '" + name + "'", "unknown field" + (name.equals("labels") || name.equals("classes")
                        ? " in format version " + (v2 ? 2 : 1) + " (version 1 has 'classes', version 2 'labels')"
                        : " (this reader would ignore it; free-form metadata belongs under 'extra')"));
        }
        String format = text(j, "format", jf);
        if (!DatasetWriter.FORMAT.equals(format))
            throw new EcgDataException(jf, "field 'format'", "expected '" + DatasetWriter.FORMAT + "', got '" + format + "'");
        int version = integer(j, "format_version", jf);
        if (version != DatasetWriter.FORMAT_VERSION && version != DatasetWriter.PTBXL_FORMAT_VERSION)
            throw new EcgDataException(jf, "field 'format_version'", "unsupported version " + version
                    + " (this reader knows " + DatasetWriter.PTBXL_FORMAT_VERSION + " and " + DatasetWriter.FORMAT_VERSION + ")");
        String name = text(j, "name", jf);
        if (name.isBlank()) throw new EcgDataException(jf, "field 'name'", "is blank");
        JsonNode syn = field(j, "synthetic", jf);
        if (!syn.isBoolean()) throw new EcgDataException(jf, "field 'synthetic'", "must be true or false, got " + show(syn));
        String provenance = text(j, "provenance", jf);
        List<String> leads = leads(j, jf);
        int steps = integer(j, "steps", jf);
        if (steps <= 0 || (long) steps * leads.size() > DataLimits.MAX_VALUES_PER_RECORD)
            throw new EcgDataException(jf, "field 'steps'", "must be > 0 and leads x steps at most "
                    + DataLimits.MAX_VALUES_PER_RECORD + ", got " + steps + " steps x " + leads.size() + " leads");
        JsonNode fsn = field(j, "sampling_rate_hz", jf);
        if (!fsn.isNumber() || !(fsn.asDouble() > 0) || fsn.asDouble() > DataLimits.MAX_SAMPLING_RATE)
            throw new EcgDataException(jf, "field 'sampling_rate_hz'", "must be a number > 0 and at most "
                    + (long) DataLimits.MAX_SAMPLING_RATE + ", got " + show(fsn));
        if (j.has("units")) constant(j, "units", "mV", jf, "units");
        if (j.has("signals")) signals(field(j, "signals", jf), jf);
        List<LabelColumn> labels;
        if (v2) {
            labels = labels(field(j, "labels", jf), jf);
        } else {
            classes(field(j, "classes", jf), jf);
            labels = EcgClasses.PTBXL_LABELS;
        }
        JsonNode cn = object(j, "counts", jf, "counts");
        onlyFields(cn, jf, "counts", "total", "train", "val", "test");
        int[] counts = new int[1 + Split.values().length];
        counts[0] = count(cn, "total", jf, "counts.total");
        for (Split s : Split.values()) counts[1 + s.ordinal()] = count(cn, s.diskName(), jf, "counts." + s.diskName());
        if (j.has("class_counts")) object(j, "class_counts", jf, "class_counts");
        if (j.has("extra")) object(j, "extra", jf, "extra");
        DatasetInfo info = new DatasetInfo(name, provenance, syn.asBoolean(), leads, steps, fsn.asDouble(), labels);
        return new DatasetJson(jf, info, j, counts);
    }

    /**
     * Checks {@code counts} and {@code class_counts} against the records of records.csv: {@code splitCounts[split]}
     * records, {@code classCounts[split][column][class]} labelled ones.
     */
    void checkCounts(int[] splitCounts, int[][][] classCounts, Path csv) {
        int total = 0;
        for (Split s : Split.values()) {
            int have = splitCounts[s.ordinal()];
            total += have;
            if (counts[1 + s.ordinal()] != have)
                throw new EcgDataException(file, "field 'counts." + s.diskName() + "'", "says " + counts[1 + s.ordinal()]
                        + " records, " + csv.getFileName() + " has " + have);
        }
        if (counts[0] != total)
            throw new EcgDataException(file, "field 'counts.total'", "says " + counts[0] + " records, "
                    + csv.getFileName() + " has " + total);
        JsonNode cc = json.get("class_counts");
        if (cc == null) return;
        onlyFields(cc, file, "class_counts", "train", "val", "test");
        List<LabelColumn> labels = info.labels();
        boolean v1 = !json.has("labels");   // version 1 counts the fine classes directly under the split
        for (Split s : Split.values()) {
            String f = "class_counts." + s.diskName();
            JsonNode per = object(cc, s.diskName(), file, f);
            if (!v1) onlyFields(per, file, f, labels.stream().map(LabelColumn::name).toArray(String[]::new));
            for (int c = 0; c < (v1 ? 1 : labels.size()); c++) {
                String fc = v1 ? f : f + "." + labels.get(c).name();
                JsonNode col = v1 ? per : object(per, labels.get(c).name(), file, fc);
                checkClassCounts(col, labels.get(c), classCounts[s.ordinal()][c], fc, csv);
            }
        }
    }

    private void checkClassCounts(JsonNode per, LabelColumn column, int[] have, String f, Path csv) {
        onlyFields(per, file, f, column.classes().toArray(new String[0]));
        for (int k = 0; k < column.size(); k++) {
            String cls = column.classes().get(k);
            int want = count(per, cls, file, f + "." + cls);
            if (want != have[k])
                throw new EcgDataException(file, "field '" + f + "." + cls + "'", "says " + want + " records, "
                        + csv.getFileName() + " has " + have[k]);
        }
    }

    /** The version-2 {@code labels}: an array of {@code {"name", "classes", "source"?}} objects. */
    private static List<LabelColumn> labels(JsonNode node, Path jf) {
        if (!node.isArray() || node.isEmpty() || node.size() > LabelColumn.MAX_COLUMNS)
            throw new EcgDataException(jf, "field 'labels'", "must be an array of 1.." + LabelColumn.MAX_COLUMNS
                    + " label columns, got " + show(node));
        List<LabelColumn> out = new ArrayList<>();
        for (JsonNode col : node) {
            String where = "labels[" + out.size() + "]";
            if (!col.isObject()) throw new EcgDataException(jf, "field '" + where + "'", "must be an object, got " + show(col));
            onlyFields(col, jf, where, "name", "classes", "source");
            String name = text(col, "name", jf, where + ".name");
            JsonNode cn = field(col, "classes", jf, where + ".classes");
            if (!cn.isArray() || cn.size() > LabelColumn.MAX_CLASSES)
                throw new EcgDataException(jf, "field '" + where + ".classes'", "must be an array of 1.." + LabelColumn.MAX_CLASSES
                        + " class names, got " + show(cn));
            List<String> classes = new ArrayList<>();
            for (JsonNode x : cn) {
                if (!x.isTextual())
                    throw new EcgDataException(jf, "field '" + where + ".classes[" + classes.size() + "]'",
                            "must be a class name, got " + show(x));
                classes.add(x.asText());
            }
            String source = col.has("source") ? text(col, "source", jf, where + ".source") : "";
            try {
                out.add(new LabelColumn(name, classes, source));
            } catch (IllegalArgumentException e) {
                throw new EcgDataException(jf, "field '" + where + "'", e.getMessage());
            }
        }
        try {
            return LabelColumn.checkAll(out);
        } catch (IllegalArgumentException e) {
            throw new EcgDataException(jf, "field 'labels'", e.getMessage());
        }
    }

    /** The records count declared by {@code counts.total}. */
    int total() { return counts[0]; }

    private static List<String> leads(JsonNode j, Path jf) {
        JsonNode ln = field(j, "leads", jf);
        if (!ln.isArray() || ln.isEmpty() || ln.size() > DataLimits.MAX_LEADS)
            throw new EcgDataException(jf, "field 'leads'", "must be an array of 1.." + DataLimits.MAX_LEADS
                    + " lead names, got " + show(ln));
        List<String> leads = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode x : ln) {
            String where = "field 'leads[" + leads.size() + "]'";
            if (!x.isTextual() || x.asText().isBlank()) throw new EcgDataException(jf, where, "must be a lead name, got " + show(x));
            if (!seen.add(x.asText())) throw new EcgDataException(jf, where, "duplicate lead '" + x.asText() + "'");
            leads.add(x.asText());
        }
        return leads;
    }

    private static void signals(JsonNode sig, Path jf) {
        if (!sig.isObject()) throw new EcgDataException(jf, "field 'signals'", "must be an object, got " + show(sig));
        onlyFields(sig, jf, "signals", "file", "dtype", "byte_order", "layout", "bytes");
        if (sig.has("file")) constant(sig, "file", DatasetWriter.SIGNALS, jf, "signals.file");
        if (sig.has("dtype")) constant(sig, "dtype", SIGNALS_DTYPE, jf, "signals.dtype");
        if (sig.has("byte_order")) constant(sig, "byte_order", SIGNALS_BYTE_ORDER, jf, "signals.byte_order");
        if (sig.has("layout")) constant(sig, "layout", SIGNALS_LAYOUT, jf, "signals.layout");
        if (sig.has("bytes")) {
            JsonNode b = field(sig, "bytes", jf, "signals.bytes");
            if (!b.isIntegralNumber() || !b.canConvertToLong() || b.asLong() < 0)
                throw new EcgDataException(jf, "field 'signals.bytes'", "must be an integer >= 0, got " + show(b));
        }
    }

    /** {@code signals.bytes} if present, else -1. */
    long signalBytes() {
        JsonNode b = json.path("signals").get("bytes");
        return b == null ? -1 : b.asLong();
    }

    private static void classes(JsonNode classes, Path jf) {
        if (!classes.isObject()) throw new EcgDataException(jf, "field 'classes'", "must be an object, got " + show(classes));
        onlyFields(classes, jf, "classes", "fine", "coarse", "coarse_of_fine");
        classList(classes.get("fine"), EcgClasses.FINE, jf, "classes.fine");
        classList(classes.get("coarse"), EcgClasses.COARSE, jf, "classes.coarse");
        JsonNode cof = classes.get("coarse_of_fine");
        if (cof == null) return;
        Map<String, String> want = new LinkedHashMap<>();
        for (int k = 0; k < EcgClasses.numFine(); k++)
            want.put(EcgClasses.FINE.get(k), EcgClasses.COARSE.get(EcgClasses.coarseOf(k)));
        Map<String, String> got = new LinkedHashMap<>();
        if (cof.isObject())
            cof.fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : null));
        if (!got.equals(want))
            throw new EcgDataException(jf, "field 'classes.coarse_of_fine'", "mapping " + show(cof)
                    + " differs from the project's fixed mapping " + want);
    }

    private static void classList(JsonNode node, List<String> expected, Path jf, String field) {
        List<String> got = new ArrayList<>();
        boolean strings = node != null && node.isArray();
        if (strings) for (JsonNode x : node) { strings &= x.isTextual(); got.add(x.asText()); }
        if (!strings || !got.equals(expected))
            throw new EcgDataException(jf, "field '" + field + "'", "class list " + (node == null ? "missing" : show(node))
                    + " differs from the project's fixed list " + expected);
    }

    private static void onlyFields(JsonNode obj, Path jf, String prefix, String... names) {
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = obj.fieldNames(); it.hasNext();) {
            String n = it.next();
            if (!allowed.contains(n))
                throw new EcgDataException(jf, "field '" + prefix + "." + n + "'", "unknown field (expected only "
                        + String.join(", ", names) + ")");
        }
    }

    private static void constant(JsonNode j, String name, String expected, Path jf, String path) {
        JsonNode n = field(j, name, jf, path);
        if (!n.isTextual() || !n.asText().equals(expected))
            throw new EcgDataException(jf, "field '" + path + "'", "must be \"" + expected + "\" (the only value this "
                    + "reader supports), got " + show(n));
    }

    private static JsonNode field(JsonNode j, String name, Path jf) {
        return field(j, name, jf, name);
    }

    private static JsonNode field(JsonNode j, String name, Path jf, String path) {
        JsonNode n = j.get(name);
        if (n == null || n.isNull()) throw new EcgDataException(jf, "field '" + path + "'", n == null ? "missing" : "is null");
        return n;
    }

    private static JsonNode object(JsonNode j, String name, Path jf, String path) {
        JsonNode n = field(j, name, jf, path);
        if (!n.isObject()) throw new EcgDataException(jf, "field '" + path + "'", "must be an object, got " + show(n));
        return n;
    }

    private static String text(JsonNode j, String name, Path jf) {
        return text(j, name, jf, name);
    }

    private static String text(JsonNode j, String name, Path jf, String path) {
        JsonNode n = field(j, name, jf, path);
        if (!n.isTextual()) throw new EcgDataException(jf, "field '" + path + "'", "must be a string, got " + show(n));
        return n.asText();
    }

    private static int integer(JsonNode j, String name, Path jf) {
        return integer(j, name, jf, name);
    }

    private static int integer(JsonNode j, String name, Path jf, String path) {
        JsonNode n = field(j, name, jf, path);
        if (!n.isIntegralNumber() || !n.canConvertToInt())
            throw new EcgDataException(jf, "field '" + path + "'", "must be an integer, got " + show(n));
        return n.asInt();
    }

    private static int count(JsonNode j, String name, Path jf, String path) {
        int c = integer(j, name, jf, path);
        if (c < 0 || c > DataLimits.MAX_RECORDS)
            throw new EcgDataException(jf, "field '" + path + "'", "must be 0.." + DataLimits.MAX_RECORDS + ", got " + c);
        return c;
    }

    /** A JSON value for a message, cut to a readable length. */
    private static String show(JsonNode n) {
        String s = n.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
