package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SummaryTableTest {

    @Test
    void rendersAnAlignedComparison() {
        List<String> names = List.of("NORM", "MI", "STTC", "CD", "HYP");
        SummaryTable t = new SummaryTable("Supervised, 5 classes, test fold").label("SYNTHETIC data").label("random-init LM");
        String[] runs = {"dual", "ts-only", "text-only"};
        double[] acc = {0.8, 0.7, 0.55};
        for (int i = 0; i < runs.length; i++) {
            int[][] d = BootstrapCITest.sample(400, 5, acc[i], i);
            t.add(runs[i], ClassificationReport.of(d[0], d[1], names), BootstrapCI.compute(d[0], d[1], 5, 200, 0.95, 1L));
        }
        String text = t.render();
        List<String> lines = text.lines().toList();
        assertEquals("Supervised, 5 classes, test fold  [SYNTHETIC data; random-init LM]", lines.get(0));
        assertEquals("", lines.get(1));
        String header = lines.get(2);
        assertTrue(header.matches("run +n +accuracy \\[95% CI\\] +macro-F1 \\[95% CI\\] +macro-P +macro-R"), header);
        assertTrue(lines.get(3).matches("-+( +-+){5}"), lines.get(3));
        assertTrue(lines.get(4).startsWith("dual "));
        assertTrue(lines.get(6).startsWith("text-only "));
        for (int i = 3; i <= 6; i++) assertEquals(header.length(), lines.get(i).length(), "line " + i + ": " + lines.get(i));
        assertTrue(lines.get(4).matches("dual +400  \\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]  \\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]  +\\d\\.\\d{4}  +\\d\\.\\d{4}"), lines.get(4));
        assertEquals("95% percentile-bootstrap intervals over the test samples (200 resamples).", lines.get(8));
        // columns line up: the "[" of every accuracy interval sits at the same offset
        int bracket = lines.get(4).indexOf('[');
        assertEquals(bracket, lines.get(5).indexOf('['));
        assertEquals(bracket, lines.get(6).indexOf('['));

        String md = t.renderMarkdown();
        assertTrue(md.startsWith("**Supervised, 5 classes, test fold  [SYNTHETIC data; random-init LM]**"));
        assertTrue(md.contains("| run | n | accuracy [95% CI] | macro-F1 [95% CI] | macro-P | macro-R |"));
        assertTrue(md.contains("|---|---:|---:|---:|---:|---:|"));
    }

    @Test
    void labelsComeFromTheRunsProvenance() {
        MetricsFile run = RunFolderTest.sampleRun();
        SummaryTable t = new SummaryTable("smoke").add("dual", run).add("dual again", run);
        assertEquals(List.of(SummaryTable.SYNTHETIC_LABEL, SummaryTable.RANDOM_LM_LABEL), t.labels());
        assertTrue(t.render().startsWith("smoke  [SYNTHETIC data; random-init LM]"));
        assertThrows(IllegalArgumentException.class, () -> new SummaryTable("x").add("no test", new MetricsFile()));
    }

    @Test
    void withoutIntervalsShowsPointEstimates() {
        ClassificationReport r = ClassificationReport.of(ClassificationReportTest.TRUTH, ClassificationReportTest.PRED, ClassificationReportTest.NAMES);
        String text = new SummaryTable("plain").add("a", r, null).render();
        assertEquals(String.join(System.lineSeparator(),
                "plain",
                "",
                "run  n  accuracy [95% CI]  macro-F1 [95% CI]  macro-P  macro-R",
                "---  -  -----------------  -----------------  -------  -------",
                "a    8             0.3750             0.2500   0.2292   0.2917",
                ""), text);
    }
}
