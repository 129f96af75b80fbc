package io.medualtime.cli;

import io.medualtime.report.RunReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every job writes report.html into its run folder, {@code report RUN} rebuilds the same page from the folder, and a
 * report that cannot be written costs one warning line, never the run (tiny SYNTHETIC data, as TrainingCommandsTest).
 */
class ReportCommandTest {
    static Path data;

    @BeforeAll static void tinyData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        data = tmp.resolve("tiny");
        assertEquals(0,
                run("data", "synthetic", "--out", data.toString(), "--train", "40", "--val", "20", "--test", "20", "--hz", "50").code());
    }

    static String page(Path dir) throws Exception {
        Path f = dir.resolve(RunReport.FILE);
        assertTrue(Files.isRegularFile(f), "no " + f);
        return Files.readString(f);
    }

    @Test void trainWritesTheReportAndReportRebuildsTheSamePage(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        TrainingCommandsTest.Run r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "2", "--out", out.toString()}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("report:  " + out.resolve("report.html")), r.out());
        String first = page(out);
        assertTrue(first.contains("predicted: <span"), "the examples carry the saved model's predictions");
        assertTrue(first.contains("SYNTHETIC DATA."), "provenance");
        Files.delete(out.resolve("report.html"));
        TrainingCommandsTest.Run again = run("report", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(first, page(out), "the rebuilt page is the page the run wrote");
    }

    @Test void demoPageComparesTheDualModelWithBothAblations(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("demo");
        TrainingCommandsTest.Run r = run(args(new String[]{"demo", "--data", data.toString(), "--epochs", "1", "--out", out.toString()}));
        assertEquals(0, r.code(), r.err());
        String html = page(out);
        assertTrue(html.contains("MedualTime demo: the dual model against its ECG-only and report-only ablations"), html.substring(0, 400));
        for (String mode : new String[]{"dual", "ts-only", "text-only"}) {
            assertTrue(html.contains("<b>" + mode + "</b>"), "comparison row " + mode);
            assertTrue(html.contains(mode + ": <span"), "prediction of " + mode + " on the examples");
            assertTrue(html.contains("<title>confusion matrix, " + mode + "</title>"), "heat map of " + mode);
        }
    }

    @Test void transferAndPretrainPagesShowWhatTheyRecord(@TempDir Path tmp) throws Exception {
        Path tr = tmp.resolve("transfer");
        assertEquals(0, run(args(new String[]{"transfer", "--data", data.toString(), "--epochs", "1", "--out", tr.toString(), "--k", "2,4",
                "--probe-epochs", "3"})).code());
        String t = page(tr);
        assertTrue(t.contains("<b>K=2</b>") && t.contains("<b>K=4</b>"), "a row per K");
        assertTrue(t.contains("coarse model: <span"), "the examples carry the coarse model's predictions");
        Path pt = tmp.resolve("pretrain");
        assertEquals(0, run(args(new String[]{"pretrain", "--data", data.toString(), "--epochs", "1", "--batch-size", "8", "--out",
                pt.toString(), "--probe-epochs", "3"})).code());
        String p = page(pt);
        assertTrue(p.contains("Linear probe on the frozen embeddings"), "probe results");
        assertTrue(p.contains("The linear probe is not saved with the run"), "says why no predictions are drawn");
    }

    @Test void aReportThatCannotBeWrittenIsOneWarningAndTheRunStands(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()})).code());
        Files.delete(out.resolve("report.html"));
        Files.createDirectories(out.resolve("report.html").resolve("in-the-way"));   // the page cannot be written
        java.io.PrintStream savedErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream(), log = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            RunReport.writeOrWarn(out, new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(savedErr);
        }
        assertTrue(Files.isRegularFile(out.resolve("metrics.json")) && Files.isRegularFile(out.resolve("model.safetensors")));
        String warnings = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, warnings.lines().count(), warnings);
        assertTrue(warnings.startsWith("warning:") && warnings.contains("report.html not written") && warnings.contains(out.toString()),
                warnings);
    }

    @Test void reportOfAFolderThatIsNoRunIsAOneLineError(@TempDir Path tmp) {
        TrainingCommandsTest.Run r = run("report", tmp.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("not a run folder"), r.err());
        TrainingCommandsTest.Run none = run("report", tmp.resolve("missing").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no such run folder"), none.err());
    }
}
