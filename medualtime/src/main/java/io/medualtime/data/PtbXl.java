package io.medualtime.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads PTB-XL (PhysioNet, Wagner et al. 2020, version 1.0.x) from its own layout and converts it to
 * the canonical format, streaming one record at a time.
 *
 * <p>Layout: {@code ptbxl_database.csv} (columns used: {@code ecg_id, report, scp_codes, strat_fold,
 * filename_lr, filename_hr}), {@code scp_statements.csv} (first column = statement code; columns
 * {@code diagnostic} (1.0 or empty) and {@code diagnostic_class}), and WFDB records
 * {@code records100/xxxxx/xxxxx_lr.hea/.dat} (or {@code records500/.../_hr}).
 *
 * <h2>Label rule (single-label superclass)</h2>
 * For each record, every key of {@code scp_codes} whose statement has {@code diagnostic == 1} is
 * mapped to its {@code diagnostic_class}; by default every listed statement counts whatever its
 * likelihood (this is the convention of the PTB-XL benchmark code, {@code aggregate_diagnostic} of
 * Strodthoff et al. 2020, which ignores the likelihood values); {@link Options#minLikelihood()} can
 * raise that threshold. The record is kept only if the resulting set of superclasses has
 * <b>exactly one</b> element, which becomes its fine label; records with none or with several are
 * dropped and counted. Splits: {@code strat_fold} 1-8 train, 9 validation, 10 test (the folds
 * recommended by the PTB-XL authors; 9 and 10 hold only human-validated labels). The report text
 * is kept as it is (mostly German).
 */
public final class PtbXl {
    private PtbXl() {}

    public static final String DATABASE = "ptbxl_database.csv", STATEMENTS = "scp_statements.csv";

    /**
     * @param highResolution use {@code filename_hr} (500 Hz, 5000 steps) instead of {@code filename_lr} (100 Hz, 1000 steps)
     * @param minLikelihood  a statement counts if its likelihood is >= this (0 = any listed statement)
     */
    public record Options(boolean highResolution, double minLikelihood) {
        public static final Options DEFAULT = new Options(false, 0.0);

        public double samplingRate() { return highResolution ? 500 : 100; }

        public int steps() { return highResolution ? 5000 : 1000; }
    }

    /** One row of ptbxl_database.csv with its label decision. */
    public record Entry(int line, String ecgId, String report, Map<String, Double> scpCodes, int fold, String filename,
            List<String> superclasses) {
        /** Fine label id, or -1 if the record has zero or several superclasses. */
        public int label() {
            return superclasses.size() == 1 ? EcgClasses.fineIndex(superclasses.get(0)) : -1;
        }

        public Split split() {
            return fold <= 8 ? Split.TRAIN : fold == 9 ? Split.VAL : Split.TEST;
        }
    }

    /** Result of a conversion. */
    public record Summary(Path output, int rows, int kept, int droppedNoSuperclass, int droppedMultiple,
            Map<String, Integer> keptPerSplit) {
        @Override public String toString() {
            return String.format(Locale.ROOT, "PTB-XL: %d rows, kept %d single-superclass records %s, dropped %d without "
                    + "and %d with several diagnostic superclasses -> %s", rows, kept, keptPerSplit, droppedNoSuperclass,
                    droppedMultiple, output);
        }
    }

    /** Statement code -> diagnostic superclass, for the statements with {@code diagnostic == 1}. */
    public static Map<String, String> readStatements(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Csv.Reader r = Csv.Reader.open(file)) {
            List<String> header = r.next();
            if (header == null) throw new EcgDataException(file, "line 1", "empty file");
            Map<String, Integer> col = Csv.headerIndex(header, file);
            int diag = require(col, "diagnostic", file), cls = require(col, "diagnostic_class", file);
            List<String> f;
            while ((f = r.next()) != null) {
                if (f.size() == 1 && f.get(0).isBlank()) continue;
                String where = "line " + r.line();
                if (f.size() != header.size())
                    throw new EcgDataException(file, where, "expected " + header.size() + " fields, got " + f.size());
                String code = f.get(0).strip();
                if (code.isEmpty()) throw new EcgDataException(file, where, "empty statement code in the first column");
                String d = f.get(diag).strip();
                boolean isDiag;
                if (d.isEmpty()) isDiag = false;
                else {
                    try {
                        isDiag = Double.parseDouble(d) == 1.0;
                    } catch (NumberFormatException e) {
                        throw new EcgDataException(file, where + ", column 'diagnostic'", "expected 1.0 or empty, got '" + d + "'");
                    }
                }
                if (!isDiag) continue;
                String c = f.get(cls).strip();
                if (EcgClasses.fineIndexOrMinus1(c) < 0)
                    throw new EcgDataException(file, where + ", column 'diagnostic_class'", "statement " + code
                            + " is diagnostic but its class '" + c + "' is not one of " + EcgClasses.FINE);
                out.put(code, c);
            }
        }
        return out;
    }

    /**
     * Parses a Python dict literal of string keys and numeric values, e.g.
     * {@code {'NORM': 100.0, 'SR': 0.0}} (single or double quotes, trailing comma allowed).
     *
     * @throws IllegalArgumentException naming the character position of the problem
     */
    public static Map<String, Double> parseScpCodes(String s) {
        Map<String, Double> out = new LinkedHashMap<>();
        int[] p = {0};
        skipWs(s, p);
        expect(s, p, '{');
        skipWs(s, p);
        if (peek(s, p) == '}') {
            p[0]++;
        } else {
            while (true) {
                skipWs(s, p);
                if (peek(s, p) == '}') { p[0]++; break; } // trailing comma
                char q = peek(s, p);
                if (q != '\'' && q != '"') throw bad(s, p, "expected a quoted key");
                int end = s.indexOf(q, p[0] + 1);
                if (end < 0) throw bad(s, p, "unterminated key");
                String key = s.substring(p[0] + 1, end);
                p[0] = end + 1;
                skipWs(s, p);
                expect(s, p, ':');
                skipWs(s, p);
                int st = p[0];
                while (p[0] < s.length() && "+-.0123456789eE".indexOf(s.charAt(p[0])) >= 0) p[0]++;
                double v;
                try {
                    v = Double.parseDouble(s.substring(st, p[0]));
                } catch (NumberFormatException e) {
                    p[0] = st;
                    throw bad(s, p, "expected a number");
                }
                if (out.put(key, v) != null) throw bad(s, new int[]{st}, "duplicate key '" + key + "'");
                skipWs(s, p);
                char c = peek(s, p);
                p[0]++;
                if (c == '}') break;
                if (c != ',') { p[0]--; throw bad(s, p, "expected ',' or '}'"); }
            }
        }
        skipWs(s, p);
        if (p[0] != s.length()) throw bad(s, p, "unexpected text after '}'");
        return out;
    }

    private static char peek(String s, int[] p) {
        return p[0] < s.length() ? s.charAt(p[0]) : '\0';
    }

    private static void skipWs(String s, int[] p) {
        while (p[0] < s.length() && Character.isWhitespace(s.charAt(p[0]))) p[0]++;
    }

    private static void expect(String s, int[] p, char c) {
        if (peek(s, p) != c) throw bad(s, p, "expected '" + c + "'");
        p[0]++;
    }

    private static IllegalArgumentException bad(String s, int[] p, String msg) {
        return new IllegalArgumentException(msg + " at character " + (p[0] + 1) + " of \"" + s + "\"");
    }

    /** The sorted, distinct diagnostic superclasses of a record's statements. */
    public static List<String> superclasses(Map<String, Double> codes, Map<String, String> diagnostic, double minLikelihood) {
        TreeSet<String> set = new TreeSet<>();
        for (Map.Entry<String, Double> e : codes.entrySet()) {
            String c = diagnostic.get(e.getKey());
            if (c != null && e.getValue() >= minLikelihood) set.add(c);
        }
        return List.copyOf(set);
    }

    /** Reads and labels every row of ptbxl_database.csv (metadata only; no signals). */
    public static List<Entry> readDatabase(Path root, Options o) throws IOException {
        Map<String, String> diag = readStatements(DataFiles.fixed(root, STATEMENTS));
        Path file = DataFiles.fixed(root, DATABASE);
        List<Entry> out = new ArrayList<>();
        try (Csv.Reader r = Csv.Reader.open(file)) {
            List<String> header = r.next();
            if (header == null) throw new EcgDataException(file, "line 1", "empty file");
            Map<String, Integer> col = Csv.headerIndex(header, file);
            int cId = require(col, "ecg_id", file), cRep = require(col, "report", file), cScp = require(col, "scp_codes", file);
            int cFold = require(col, "strat_fold", file);
            int cFile = require(col, o.highResolution() ? "filename_hr" : "filename_lr", file);
            List<String> f;
            java.util.Set<String> ids = new java.util.HashSet<>();
            while ((f = r.next()) != null) {
                if (f.size() == 1 && f.get(0).isBlank()) continue;
                int line = r.line();
                if (out.size() == DataLimits.MAX_RECORDS)
                    throw new EcgDataException(file, "line " + line, "more than " + DataLimits.MAX_RECORDS
                            + " records, the most this reader accepts");
                if (f.size() != header.size())
                    throw new EcgDataException(file, "line " + line, "expected " + header.size() + " fields, got " + f.size());
                String id = normaliseId(f.get(cId).strip());
                String where = "line " + line + " (ecg_id " + id + ")";
                if (id.isEmpty() || id.chars().anyMatch(Character::isISOControl))
                    throw new EcgDataException(file, "line " + line + ", column 'ecg_id'", id.isEmpty()
                            ? "empty ecg_id"
                            : "ecg_id '" + id + "' contains a control character");
                if (!ids.add(id)) throw new EcgDataException(file, where, "duplicate ecg_id");
                Map<String, Double> scp;
                try {
                    scp = parseScpCodes(f.get(cScp));
                } catch (IllegalArgumentException e) {
                    throw new EcgDataException(file, where + ", column 'scp_codes'", "bad Python dict literal: " + e.getMessage());
                }
                int fold;
                try {
                    double d = Double.parseDouble(f.get(cFold).strip());
                    fold = (int) d;
                    if (fold != d || fold < 1 || fold > 10) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new EcgDataException(file, where + ", column 'strat_fold'", "expected an integer 1..10, got '"
                            + f.get(cFold) + "'");
                }
                String fn = f.get(cFile).strip();
                DataFiles.inside(root, fn, file, where + ", column '" + header.get(cFile) + "'", "record path");
                out.add(new Entry(line, id, f.get(cRep), scp, fold, fn, superclasses(scp, diag, o.minLikelihood())));
            }
        }
        return out;
    }

    private static String normaliseId(String id) {
        // pandas may write integer ids as "1.0"
        if (id.endsWith(".0") && id.substring(0, id.length() - 2).chars().allMatch(Character::isDigit))
            return id.substring(0, id.length() - 2);
        return id;
    }

    private static int require(Map<String, Integer> col, String name, Path file) {
        Integer i = col.get(name);
        if (i == null) throw new EcgDataException(file, "line 1", "missing column '" + name + "' in header " + col.keySet());
        return i;
    }

    /**
     * Reads one record's signal as {@code [12][steps]} mV, checking leads, rate and length. Its files
     * must lie inside {@code root} (links included).
     */
    public static float[][] readRecord(Path root, Entry e, Options o) throws IOException {
        Path hea = DataFiles.inside(root, e.filename() + ".hea", root.resolve(DATABASE),
                "line " + e.line() + " (ecg_id " + e.ecgId() + ")", "record header");
        try {
            Wfdb.Header h = Wfdb.readHeader(hea);
            if (h.nsig() != 12) throw new EcgDataException(hea, "line 1", "expected 12 signals, header declares " + h.nsig());
            if (h.samplingRate() != o.samplingRate())
                throw new EcgDataException(hea, "line 1", "sampling frequency " + h.samplingRate() + " Hz, expected "
                        + o.samplingRate() + " Hz");
            if (h.nsamples() != o.steps())
                throw new EcgDataException(hea, "line 1", (h.nsamples() < 0
                        ? "no sample count"
                        : "record has "
                                + h.nsamples() + " samples")
                        + ", expected " + o.steps());
            for (int i = 0; i < 12; i++) {
                String d = h.signals().get(i).description();
                String want = DatasetInfo.STANDARD_LEADS.get(i);
                if (!d.equalsIgnoreCase(want))
                    throw new EcgDataException(hea, "line " + h.signals().get(i).line(), "signal " + i + " is '" + d
                            + "', expected lead " + want + " (leads must be in the order " + DatasetInfo.STANDARD_LEADS + ")");
            }
            return Wfdb.readSignals(h);
        } catch (EcgDataException ex) {
            throw ex.withContext("record of " + DATABASE + " line " + e.line() + ", ecg_id " + e.ecgId());
        }
    }

    /** Converts with default options (100 Hz records). */
    public static Summary convert(Path ptbxlRoot, Path outFolder) throws IOException {
        return convert(ptbxlRoot, outFolder, Options.DEFAULT);
    }

    /** Converts PTB-XL to the canonical format, one record in memory at a time; atomic. */
    public static Summary convert(Path ptbxlRoot, Path outFolder, Options o) throws IOException {
        List<Entry> entries = readDatabase(ptbxlRoot, o);
        int none = (int) entries.stream().filter(e -> e.superclasses().isEmpty()).count();
        int multi = (int) entries.stream().filter(e -> e.superclasses().size() > 1).count();
        if (none + multi == entries.size()) // found before any record is read or written
            throw new EcgDataException(ptbxlRoot.resolve(DATABASE), null, entries.isEmpty()
                    ? "no records"
                    : "all "
                            + entries.size() + " rows dropped: " + none + " without and " + multi
                            + " with several diagnostic superclasses, none with exactly one");
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        for (Split s : Split.values()) perSplit.put(s.diskName(), 0);
        String rule = "single-label diagnostic superclass: scp_codes statements with diagnostic == 1 and likelihood >= "
                + o.minLikelihood() + " mapped to diagnostic_class; records with exactly one superclass kept; "
                + "strat_fold 1-8 train, 9 val, 10 test";
        DatasetInfo info = new DatasetInfo(o.highResolution() ? "ptb-xl-500hz" : "ptb-xl-100hz",
                "PTB-XL (PhysioNet; Wagner et al., Sci Data 2020) converted from " + ptbxlRoot.toAbsolutePath()
                        + " by io.medualtime.data.PtbXl; labels: " + rule,
                false, DatasetInfo.STANDARD_LEADS, o.steps(), o.samplingRate());
        try (DatasetWriter w = DatasetWriter.create(outFolder, info)) {
            for (Entry e : entries) {
                int label = e.label();
                if (label < 0) continue;
                float[][] sig = readRecord(ptbxlRoot, e, o);
                w.add(new EcgRecord(e.ecgId(), e.split(), label, e.report(), sig));
                perSplit.merge(e.split().diskName(), 1, Integer::sum);
            }
            Map<String, Object> conv = new LinkedHashMap<>();
            conv.put("rows", entries.size());
            conv.put("kept", w.count());
            conv.put("dropped_no_superclass", none);
            conv.put("dropped_multiple_superclasses", multi);
            conv.put("label_rule", rule);
            w.putExtra("conversion", conv);
            Path out = w.commit();
            return new Summary(out, entries.size(), entries.size() - none - multi, none, multi, perSplit);
        }
    }
}
