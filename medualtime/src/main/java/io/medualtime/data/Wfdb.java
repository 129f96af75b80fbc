package io.medualtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal reader of PhysioNet WFDB records as used by PTB-XL: a {@code .hea} header and one
 * {@code .dat} signal file in format 16 (little-endian two's-complement int16, samples of all
 * signals interleaved frame by frame). Physical value = (adc - baseline) / gain, in mV.
 *
 * <p>Header: comment lines start with {@code #}. The record line is
 * {@code name[/segments] nsig [fs[/counterfreq[(base)]] [nsamples [basetime [basedate]]]]};
 * then exactly {@code nsig} signal lines
 * {@code file format[xN][:skew][+offset] gain[(baseline)][/units] adcres adczero initval checksum blocksize description}
 * (fields after the format are optional in WFDB; gain 0 or missing means 200, baseline defaults to
 * adczero, units to mV). Multi-segment records, formats other than 16, samples-per-frame, skew,
 * byte offsets and signals spread over several files are rejected with a clear error.
 * Checksums and initial values, when present, are verified. The header is strict UTF-8 (WFDB
 * headers are ASCII) of at most 1 MiB; signal counts, rates and lengths are bounded
 * ({@link DataLimits}) before anything is allocated.
 */
public final class Wfdb {
    private Wfdb() {}

    /** One signal line. */
    public record Signal(String file, int format, double gain, int baseline, String units, int adcResolution,
            int adcZero, Integer initialValue, Integer checksum, int blockSize, String description,
            int line) {}

    /** A parsed header. */
    public record Header(Path file, String recordName, int nsig, double samplingRate, int nsamples,
            List<Signal> signals) {}

    /** Parses a header file; every error names the file and line. */
    public static Header readHeader(Path hea) throws IOException {
        List<String> lines = DataFiles.readText(hea, DataLimits.MAX_HEADER_BYTES, "WFDB header file").lines().toList();
        String recordLine = null;
        int recordLineNo = 0;
        List<String> sigLines = new ArrayList<>();
        List<Integer> sigLineNos = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (recordLine == null) {
                recordLine = l;
                recordLineNo = i + 1;
            } else {
                sigLines.add(l);
                sigLineNos.add(i + 1);
            }
        }
        if (recordLine == null) throw new EcgDataException(hea, null, "no record line (file is empty or only comments)");
        String rl = "line " + recordLineNo;
        String[] t = recordLine.split("\\s+");
        if (t.length < 2) throw new EcgDataException(hea, rl, "record line needs at least 'name nsig', got '" + recordLine + "'");
        if (t[0].contains("/")) throw new EcgDataException(hea, rl, "multi-segment records are not supported ('" + t[0] + "')");
        int nsig = parseInt(t[1], hea, rl, "number of signals");
        if (nsig <= 0 || nsig > DataLimits.MAX_LEADS)
            throw new EcgDataException(hea, rl, "number of signals must be 1.." + DataLimits.MAX_LEADS + ", got " + nsig);
        double fs = 250;
        if (t.length >= 3) {
            String f = t[2];
            int cut = f.indexOf('/');
            if (cut >= 0) f = f.substring(0, cut);
            fs = parseDouble(f, hea, rl, "sampling frequency");
            if (!(fs > 0) || fs > DataLimits.MAX_SAMPLING_RATE)
                throw new EcgDataException(hea, rl, "sampling frequency must be > 0 and at most "
                        + (long) DataLimits.MAX_SAMPLING_RATE + " Hz, got " + t[2]);
        }
        int nsamples = t.length >= 4 ? parseInt(t[3], hea, rl, "number of samples") : -1;
        if (t.length >= 4 && nsamples < 0) throw new EcgDataException(hea, rl, "number of samples must be >= 0, got " + t[3]);
        if (nsamples > 0) checkRecordSize(nsig, nsamples, hea, rl);
        if (sigLines.size() != nsig)
            throw new EcgDataException(hea, rl, "record line declares " + nsig + " signals but the header has "
                    + sigLines.size() + " signal line(s)");
        List<Signal> sigs = new ArrayList<>();
        for (int i = 0; i < nsig; i++) sigs.add(parseSignal(sigLines.get(i), sigLineNos.get(i), hea));
        return new Header(hea, t[0], nsig, fs, nsamples, List.copyOf(sigs));
    }

    private static Signal parseSignal(String line, int lineNo, Path hea) {
        String where = "line " + lineNo;
        String[] t = line.split("\\s+", 9);
        if (t.length < 2) throw new EcgDataException(hea, where, "signal line needs at least 'file format', got '" + line + "'");
        String fmt = t[1];
        if (!fmt.matches("\\d+([x:+].*)?"))
            throw new EcgDataException(hea, where, "bad format field '" + fmt + "'");
        if (!fmt.matches("\\d+"))
            throw new EcgDataException(hea, where, "format '" + fmt + "' uses samples-per-frame/skew/offset, which is not supported");
        if (!fmt.replaceFirst("^0+(?=\\d)", "").equals("16"))   // compared as text: a 30-digit format must not overflow a parse
            throw new EcgDataException(hea, where, "unsupported WFDB format " + fmt + " (only format 16 is supported)");
        int format = 16;
        double gain = 200;
        Integer baseline = null;
        String units = "mV";
        if (t.length >= 3) {
            String g = t[2];
            int slash = g.indexOf('/');
            if (slash >= 0) { units = g.substring(slash + 1); g = g.substring(0, slash); }
            int par = g.indexOf('(');
            if (par >= 0) {
                if (!g.endsWith(")")) throw new EcgDataException(hea, where, "bad gain field '" + t[2] + "'");
                baseline = parseInt(g.substring(par + 1, g.length() - 1), hea, where, "baseline");
                g = g.substring(0, par);
            }
            gain = parseDouble(g, hea, where, "gain");
            if (gain == 0) gain = 200;
            if (!(gain > 0)) throw new EcgDataException(hea, where, "gain must be > 0, got " + t[2]);
        }
        int adcRes = t.length >= 4 ? parseInt(t[3], hea, where, "ADC resolution") : 12;
        int adcZero = t.length >= 5 ? parseInt(t[4], hea, where, "ADC zero") : 0;
        Integer init = t.length >= 6 ? parseInt(t[5], hea, where, "initial value") : null;
        Integer checksum = t.length >= 7 ? parseInt(t[6], hea, where, "checksum") : null;
        int block = t.length >= 8 ? parseInt(t[7], hea, where, "block size") : 0;
        String desc = t.length >= 9 ? t[8].strip() : "";
        if (!units.equals("mV") && !units.equals("uV") && !units.equals("μV"))
            throw new EcgDataException(hea, where, "unsupported units '" + units + "' (expected mV or uV)");
        if (!units.equals("mV")) gain *= 1000; // uV -> mV
        return new Signal(t[0], format, gain, baseline == null ? adcZero : baseline, "mV", adcRes, adcZero, init, checksum,
                block, desc, lineNo);
    }

    /**
     * Reads all signals of a format-16 record as {@code [nsig][nsamples]} in mV. The .dat file is
     * resolved in the header's folder and must stay inside it (no absolute path, no {@code ..}, no
     * link leading out). Its size must be exactly what the header implies; only that much is read.
     * Without a sample count in the header, the count is the file size over the frame size (as in WFDB).
     * Unlike the WFDB library, which ignores bytes after the declared samples, a longer file is refused:
     * PTB-XL sizes are exact, so extra bytes mean a mismatched or corrupt record.
     */
    public static float[][] readSignals(Header h) throws IOException {
        Signal first = h.signals().get(0);
        String file = first.file();
        for (Signal s : h.signals())
            if (!s.file().equals(file))
                throw new EcgDataException(h.file(), "line " + s.line(), "signals stored in more than one file ('"
                        + file + "', '" + s.file() + "') are not supported");
        Path folder = h.file().toAbsolutePath().getParent();
        Path dat = DataFiles.inside(folder, file, h.file(), "line " + first.line(), "signal file");
        long size = DataFiles.regularSize(dat, Long.MAX_VALUE, "WFDB signal file (referenced by " + h.file() + ")");
        int nsig = h.nsig();
        long frameBytes = 2L * nsig;
        if (size % frameBytes != 0)
            throw new EcgDataException(dat, null, "size " + size + " bytes is not a whole number of frames of "
                    + nsig + " int16 samples (" + frameBytes + " bytes)");
        long n = h.nsamples() >= 0 ? h.nsamples() : size / frameBytes;
        checkRecordSize(nsig, n, h.file(), "line 1 (no sample count; " + dat.getFileName() + " is " + size + " bytes)");
        long expected = n * frameBytes;
        if (size != expected)
            throw new EcgDataException(dat, null, "size " + size + " bytes does not match header " + h.file()
                    + " (" + n + " samples x " + nsig + " signals x 2 bytes = " + expected + " bytes)");
        byte[] bytes = DataFiles.readExactly(dat, expected);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[nsig][(int) n];
        int[] sums = new int[nsig];
        for (int i = 0; i < n; i++)
            for (int s = 0; s < nsig; s++) {
                short v = bb.getShort();
                Signal sg = h.signals().get(s);
                if (v == Short.MIN_VALUE)
                    throw new EcgDataException(dat, "signal " + s + " (" + sg.description() + "), sample " + i,
                            "missing value (WFDB invalid sample -32768)");
                if (i == 0 && sg.initialValue() != null && v != sg.initialValue())
                    throw new EcgDataException(dat, "signal " + s + " (" + sg.description() + ")", "first sample " + v
                            + " differs from the initial value " + sg.initialValue() + " in " + h.file() + " line " + sg.line());
                sums[s] += v;
                out[s][i] = (float) ((v - sg.baseline()) / sg.gain());
            }
        for (int s = 0; s < nsig; s++) {
            Signal sg = h.signals().get(s);
            if (sg.checksum() != null && (short) sums[s] != (short) (int) sg.checksum())
                throw new EcgDataException(dat, "signal " + s + " (" + sg.description() + ")", "checksum " + (short) sums[s]
                        + " does not match " + sg.checksum() + " in " + h.file() + " line " + sg.line() + " (corrupt file?)");
        }
        return out;
    }

    private static void checkRecordSize(int nsig, long nsamples, Path hea, String where) {
        if (nsig * nsamples > DataLimits.MAX_VALUES_PER_RECORD)
            throw new EcgDataException(hea, where, nsamples + " samples x " + nsig + " signals is more than the "
                    + DataLimits.MAX_VALUES_PER_RECORD + " values per record this reader accepts");
    }

    private static int parseInt(String s, Path f, String where, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new EcgDataException(f, where, "bad " + what + " '" + s + "' (expected an integer)");
        }
    }

    private static double parseDouble(String s, Path f, String where, String what) {
        try {
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new EcgDataException(f, where, "bad " + what + " '" + s + "' (expected a number)");
        }
    }
}
