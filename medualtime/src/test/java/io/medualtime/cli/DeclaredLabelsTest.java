package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.data.DatasetInfo;
import io.medualtime.data.DatasetWriter;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.EcgClasses;
import io.medualtime.data.EcgRecord;
import io.medualtime.data.LabelColumn;
import io.medualtime.data.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.medualtime.cli.TrainingCommandsTest.JSON;
import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.assertOneLineError;
import static io.medualtime.cli.TrainingCommandsTest.metrics;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs follow the label columns a dataset declares: the authors' files converted by tools/convert_pkl.py (the
 * committed fixture; its coarse column is sl_Y, not this project's grouping) and a 3-lead, 60-step set with one
 * 3-class column; the head, metrics and report use the declared classes. A coarse label derived by the PTB-XL
 * grouping is announced with a warning.
 */
class DeclaredLabelsTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/authors-pkl");
    /** A copy of the fixture: runs pinned to a dataset leave a digest cache beside it, which must not land in the source tree. */
    static Path authors;
    static final String WARNING = "[warn] the 'coarse' label";

    @BeforeAll static void copyFixture(@TempDir Path tmp) throws Exception {
        System.setProperty("medualtime.progress", "off");
        authors = Files.createDirectories(tmp.resolve("authors-pkl"));
        for (String f : List.of("dataset.json", "records.csv", "signals.f32")) Files.copy(FIXTURE.resolve(f), authors.resolve(f));
    }

    @Test void theConvertedAuthorsFilesKeepYAndSlYAsIndependentColumns() throws Exception {
        try (DiskDataset d = DiskDataset.open(authors)) {
            assertEquals(List.of("fine", "coarse"), d.labelColumns().stream().map(LabelColumn::name).toList());
            assertEquals(List.of("CD", "HYP", "MI", "NORM", "STTC"), d.classNames());   // LabelEncoder order: sorted
            assertEquals(List.of("0", "1", "2", "10"), d.coarseClassNames());           // numbers sorted numerically
            assertFalse(d.labelColumns().get(1).derived());
            assertEquals(12, d.leads());
            assertEquals(100, d.steps());
            int notGrouping = 0;
            for (int i = 0; i < d.size(); i++) {
                int fine = EcgClasses.fineIndex(d.classNames().get(d.fineLabel(i)));
                if (!d.coarseClassNames().get(d.coarseLabel(i)).equals(String.valueOf(EcgClasses.coarseOf(fine)))) notGrouping++;
            }
            assertTrue(notGrouping > d.size() / 2, notGrouping + " of " + d.size() + " records differ from the grouping");
            assertEquals(" ", d.report(d.indices(Split.VAL)[1]));   // not a string in the pickle: the official ' '
        }
    }

    @Test void trainEvalAndReportOnTheAuthorsCoarseColumn(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = run(args(new String[]{"train", "--data", authors.toString(), "--label", "coarse", "--epochs", "1",
                "--batch-size", "4", "--out", out.toString()}));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains(WARNING), r.out());
        JsonNode m = metrics(out);
        assertEquals("[\"0\",\"1\",\"2\",\"10\"]", m.get("config").get("classes").toString());
        assertEquals(4, m.get("test").get("report").get("classNames").size());
        assertEquals(0, run("eval", "--run", out.toString()).code());
        JsonNode ev = JSON.readTree(out.resolve("eval-test.json").toFile());
        assertEquals("10", ev.get("evaluation").get("report").get("classNames").get(3).asText());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains(">10<"), "the report names the declared class 10");
    }

    @Test void anOfficialCheckpointImportedWithLabelKeepsItsRowsAndEvaluatesOnTheAuthorsFiles(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        String[] common = {"import", "--checkpoint", ImportCommandTest.CONVERTED.toString(), "--random-lm", "32,2,2", "--text-encoder",
                "gpt2",
                "--classes", ImportCommandTest.OFFICIAL_ROWS, "--steps", "100"};
        TrainingCommandsTest.Run r = run(with(common, "--label", "fine", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("[\"CD\",\"HYP\",\"MI\",\"NORM\",\"STTC\"]",
                JSON.readTree(out.resolve("run.json").toFile()).get("classNames").toString());
        assertArrayEquals(ImportCommandTest.readFloat(ImportCommandTest.CONVERTED, "head.weight"),
                ImportCommandTest.readFloat(out.resolve("model.safetensors"), "head.weight"));   // rows not moved
        TrainingCommandsTest.Run e = run("eval", "--run", out.toString(), "--data", authors.toString());
        assertEquals(0, e.code(), e.err());
        Path reordered = tmp.resolve("reordered");
        assertEquals(0, run(with(common, "--out", reordered.toString())).code());
        assertOneLineError(run("eval", "--run", reordered.toString(), "--data", authors.toString()),
                "[NORM, MI, STTC, CD, HYP] differ from the dataset's fine classes [CD, HYP, MI, NORM, STTC]");
    }

    @Test void aLabelColumnTheDatasetLacksIsOneLineNamingItsColumns(@TempDir Path tmp) {
        assertOneLineError(run(args(new String[]{"train", "--data", authors.toString(), "--label", "rhythm", "--epochs", "1",
                "--out", tmp.resolve("r").toString()})), "has no label column 'rhythm'", "its columns: fine, coarse");
    }

    @Test void anyColumnLeadCountAndLengthThePatchingAllows(@TempDir Path tmp) throws Exception {
        Path data = threeLeadSet(tmp.resolve("three"), 60);
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = run(args(new String[]{"train", "--data", data.toString(), "--label", "rhythm", "--epochs", "1",
                "--batch-size", "4", "--patch-len", "20", "--stride", "20", "--out", out.toString()}));
        assertEquals(0, r.code(), r.err());
        JsonNode cfg = metrics(out).get("config");
        assertEquals("column:rhythm", cfg.get("label").asText());   // recorded so that a mistyped run.json label stays an error
        assertEquals("[\"sinus\",\"AF\",\"flutter\"]", cfg.get("classes").toString());
        assertEquals(3, cfg.get("model").get("leads").asInt());
        assertEquals(60, cfg.get("model").get("steps").asInt());
        Path shortSet = threeLeadSet(tmp.resolve("short"), 10);
        assertOneLineError(run(args(new String[]{"train", "--data", shortSet.toString(), "--label", "rhythm", "--epochs", "1",
                "--out", tmp.resolve("r2").toString()})), "--patch-len 25", "records of 10 steps");
    }

    @Test void aCoarseLabelDerivedByTheGroupingIsAnnounced(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("syn");
        assertEquals(0,
                run("data", "synthetic", "--out", data.toString(), "--train", "8", "--val", "4", "--test", "4", "--hz", "50").code());
        TrainingCommandsTest.Run r = run(args(new String[]{"train", "--data", data.toString(), "--label", "coarse", "--epochs", "1",
                "--batch-size", "8", "--out", tmp.resolve("run").toString()}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(WARNING) && r.out().contains("tools/convert_pkl.py"), r.out());
        TrainingCommandsTest.Run fine = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1",
                "--batch-size", "8", "--out", tmp.resolve("fine").toString()}));
        assertFalse(fine.out().contains("[warn] the '"), fine.out());
    }

    static String[] with(String[] head, String... more) {
        List<String> a = new ArrayList<>(List.of(head));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** 3 leads x {@code steps}, one label column {@code rhythm} of 3 classes, 6/3/3 records. */
    static Path threeLeadSet(Path folder, int steps) throws Exception {
        List<LabelColumn> cols = List.of(new LabelColumn("rhythm", List.of("sinus", "AF", "flutter"), "hand-made for a test"));
        DatasetInfo info = new DatasetInfo("three-lead", "hand-made test data", false, List.of("I", "II", "V1"), steps, 50, cols);
        List<EcgRecord> rs = new ArrayList<>();
        int[] per = {6, 3, 3};
        for (Split s : Split.values())
            for (int i = 0; i < per[s.ordinal()]; i++) {
                float[][] sig = new float[3][steps];
                for (int l = 0; l < 3; l++) for (int t = 0; t < steps; t++) sig[l][t] = (float) Math.sin(t * (i % 3 + 1) * 0.2 + l);
                rs.add(new EcgRecord(s.diskName() + i, s, new int[]{i % 3}, "rhythm report " + i, sig));
            }
        try (DatasetWriter w = DatasetWriter.create(folder, info)) {
            for (EcgRecord r : rs) w.add(r);
            return w.commit();
        }
    }
}
