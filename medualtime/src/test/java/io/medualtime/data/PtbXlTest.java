package io.medualtime.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A tiny PTB-XL layout (3 records, 12 leads, 100 Hz x 1000 samples) written by the test. */
class PtbXlTest {
    @TempDir
    Path root;

    static final String[] LEADS = {"I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"};

    /** adc value of lead l at sample t of record r. */
    static short adc(int r, int l, int t) {
        return (short) ((r * 37 + l * 101 + t * 7) % 2000 - 1000);
    }

    static void writeRecord(Path root, int r, String format, int nsamplesInHeader, int nsamplesInDat, int signalLines) throws IOException {
        String name = String.format("%05d_lr", r);
        Path dir = root.resolve("records100/00000");
        Files.createDirectories(dir);
        StringBuilder h = new StringBuilder();
        h.append(name).append(" 12 100 ").append(nsamplesInHeader).append('\n');
        for (int l = 0; l < signalLines; l++) {
            int ll = l % 12;
            int sum = 0;
            for (int t = 0; t < nsamplesInDat; t++) sum += adc(r, ll, t);
            h.append(String.format("%s.dat %s 1000.0(0)/mV 16 0 %d %d 0 %s%n", name, format, adc(r, ll, 0), (short) sum, LEADS[ll]));
        }
        h.append("# age: 56\n");
        Files.writeString(dir.resolve(name + ".hea"), h.toString(), StandardCharsets.US_ASCII);
        ByteBuffer bb = ByteBuffer.allocate(nsamplesInDat * 12 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < nsamplesInDat; t++) for (int l = 0; l < 12; l++) bb.putShort(adc(r, l, t));
        Files.write(dir.resolve(name + ".dat"), bb.array());
    }

    static final String STATEMENTS = ",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
            + "NDT,\"non-diagnostic T abnormalities\",,1.0,,,\n"
            + "NORM,normal ECG,1.0,,,NORM,NORM\n"
            + "IMI,\"inferior myocardial infarction\",1.0,,,MI,IMI\n"
            + "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\n"
            + "SR,sinus rhythm,,,1.0,,\n";

    static String dbRow(int id, String report, String scp, int fold) {
        return String.format("%d,%d.0,56.0,1,\"%s\",\"%s\",%d,records100/00000/%05d_lr,records500/00000/%05d_hr%n",
                id, 15000 + id, report.replace("\"", "\"\""), scp.replace("\"", "\"\""), fold, id, id);
    }

    static final String DB_HEADER = "ecg_id,patient_id,age,sex,report,scp_codes,strat_fold,filename_lr,filename_hr\n";

    @BeforeEach void layout() throws IOException {
        Files.writeString(root.resolve("scp_statements.csv"), STATEMENTS);
        String db = DB_HEADER
                + dbRow(1, "sinusrhythmus, normales ekg", "{'NORM': 100.0, 'SR': 0.0}", 3)
                + dbRow(2, "sinusrhythmus, inferiorer infarkt, \"alt\"", "{'IMI': 50.0, 'NDT': 100.0}", 9)
                + dbRow(3, "lvh, inferiorer infarkt", "{'IMI': 100.0, 'LVH': 15.0}", 10)   // two superclasses: dropped
                + dbRow(4, "sinusrhythmus", "{'SR': 0.0}", 10)                             // none: dropped
                + dbRow(5, "linkstyp, lvh", "{\"LVH\": 100, 'SR': 0.0,}", 10);
        Files.writeString(root.resolve("ptbxl_database.csv"), db);
        for (int r : new int[]{1, 2, 3, 4, 5}) writeRecord(root, r, "16", 1000, 1000, 12);
    }

    @Test void parsesScpCodes() {
        assertEquals(Map.of("NORM", 100.0, "SR", 0.0), PtbXl.parseScpCodes("{'NORM': 100.0, 'SR': 0.0}"));
        assertEquals(Map.of(), PtbXl.parseScpCodes("{}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtbXl.parseScpCodes("{'NORM' 100.0}"));
        assertTrue(e.getMessage().contains("expected ':'") && e.getMessage().contains("character 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PtbXl.parseScpCodes("{'NORM': abc}"));
        assertThrows(IllegalArgumentException.class, () -> PtbXl.parseScpCodes("['NORM']"));
        assertThrows(IllegalArgumentException.class, () -> PtbXl.parseScpCodes("{'NORM': 1.0"));
    }

    @Test void readsHeaderAndSignals() throws IOException {
        Wfdb.Header h = Wfdb.readHeader(root.resolve("records100/00000/00002_lr.hea"));
        assertEquals("00002_lr", h.recordName());
        assertEquals(12, h.nsig());
        assertEquals(100.0, h.samplingRate());
        assertEquals(1000, h.nsamples());
        assertEquals(1000.0, h.signals().get(0).gain());
        assertEquals("AVF", h.signals().get(5).description());
        float[][] s = Wfdb.readSignals(h);
        assertEquals(adc(2, 7, 123) / 1000f, s[7][123], 1e-7);
        assertEquals(adc(2, 11, 999) / 1000f, s[11][999], 1e-7);
    }

    @Test void labelsAndSplitsFollowTheRule() throws IOException {
        List<PtbXl.Entry> e = PtbXl.readDatabase(root, PtbXl.Options.DEFAULT);
        assertEquals(5, e.size());
        assertEquals(EcgClasses.NORM, e.get(0).label());
        assertEquals(Split.TRAIN, e.get(0).split());
        assertEquals(EcgClasses.MI, e.get(1).label());
        assertEquals(Split.VAL, e.get(1).split());
        assertEquals(List.of("HYP", "MI"), e.get(2).superclasses());
        assertEquals(-1, e.get(2).label());
        assertEquals(-1, e.get(3).label());
        assertEquals(EcgClasses.HYP, e.get(4).label());
        // a likelihood threshold keeps record 3 as MI (LVH only 15 %)
        assertEquals(EcgClasses.MI, PtbXl.readDatabase(root, new PtbXl.Options(false, 50)).get(2).label());
    }

    @Test void convertsToCanonicalFormat() throws IOException {
        PtbXl.Summary s = PtbXl.convert(root, root.resolve("out"));
        assertEquals(5, s.rows());
        assertEquals(3, s.kept());
        assertEquals(1, s.droppedMultiple());
        assertEquals(1, s.droppedNoSuperclass());
        try (DiskDataset ds = DiskDataset.open(s.output())) {
            assertFalse(ds.isSynthetic());
            assertTrue(ds.provenance().contains("PTB-XL"));
            assertEquals(3, ds.size());
            assertEquals(DatasetInfo.STANDARD_LEADS, ds.leadNames());
            assertEquals(List.of("1", "2", "5"), List.of(ds.id(0), ds.id(1), ds.id(2)));
            assertEquals("sinusrhythmus, inferiorer infarkt, \"alt\"", ds.report(1));
            assertEquals(Split.TEST, ds.split(2));
            assertEquals(EcgClasses.COARSE_CD_HYP, ds.coarseLabel(2));
            EcgRecord r = ds.get(2);
            assertEquals(adc(5, 3, 500) / 1000f, r.signal()[3][500], 1e-7);
        }
    }

    private EcgDataException convertFails() {
        return assertThrows(EcgDataException.class, () -> PtbXl.convert(root, root.resolve("out")));
    }

    @Test void badHeaderLineCount() throws IOException {
        writeRecord(root, 2, "16", 1000, 1000, 11);
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("00002_lr.hea") && e.getMessage().contains("line 1")
                && e.getMessage().contains("11 signal line") && e.getMessage().contains("ecg_id 2"), e.getMessage());
        assertFalse(Files.exists(root.resolve("out")), "no partial output");
    }

    @Test void nsamplesMismatchWithDatSize() throws IOException {
        writeRecord(root, 1, "16", 1000, 990, 12);
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("00001_lr.dat") && e.getMessage().contains("24000 bytes")
                && e.getMessage().contains("ecg_id 1"), e.getMessage());
    }

    @Test void unsupportedFormat212() throws IOException {
        writeRecord(root, 5, "212", 1000, 1000, 12);
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("00005_lr.hea") && e.getMessage().contains("line 2")
                && e.getMessage().contains("format 212"), e.getMessage());
    }

    @Test void missingRecordFile() throws IOException {
        Files.delete(root.resolve("records100/00000/00002_lr.dat"));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("00002_lr.dat") && e.getMessage().contains("missing")
                && e.getMessage().contains("ptbxl_database.csv line 3"), e.getMessage());
        Files.delete(root.resolve("records100/00000/00001_lr.hea"));
        e = convertFails();
        assertTrue(e.getMessage().contains("00001_lr.hea") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test void corruptSamplesFailChecksum() throws IOException {
        Path dat = root.resolve("records100/00000/00001_lr.dat");
        byte[] b = Files.readAllBytes(dat);
        b[1001] ^= 0x10;
        Files.write(dat, b);
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("00001_lr.dat") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test void badScpCodesLiteral() throws IOException {
        Files.writeString(root.resolve("ptbxl_database.csv"), DB_HEADER
                + dbRow(1, "ok", "{'NORM': 100.0}", 1) + dbRow(2, "bad", "{'NORM': 100.0, 'SR' 0.0}", 1));
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("ptbxl_database.csv") && e.getMessage().contains("line 3")
                && e.getMessage().contains("ecg_id 2") && e.getMessage().contains("scp_codes"), e.getMessage());
    }

    @Test void missingColumnAndBadFold() throws IOException {
        Files.writeString(root.resolve("ptbxl_database.csv"), "ecg_id,report,scp_codes,filename_lr\n1,x,{},a\n");
        EcgDataException e = convertFails();
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("strat_fold"), e.getMessage());
        Files.writeString(root.resolve("ptbxl_database.csv"), DB_HEADER + dbRow(1, "x", "{}", 11));
        e = convertFails();
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("strat_fold"), e.getMessage());
    }
}
