package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SummaryTableTest {

    @Test void rendersAnAlignedComparison() {
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
        assertTrue(lines.get(4).matches(
                "dual +400  \\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]  \\d\\.\\d{4} \\[\\d\\.\\d{4}, \\d\\.\\d{4}\\]  +\\d\\.\\d{4}  +\\d\\.\\d{4}"),
                lines.get(4));
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

    @Test void repeatsAreSummarisedUnderTheTableWithTheirPerRunValues() {
        List<String> names = List.of("A", "B");
        List<ClassificationReport> tests = List.of(ClassificationReport.of(new int[]{0, 1, 0, 1}, new int[]{0, 1, 0, 0}, names),
                ClassificationReport.of(new int[]{0, 1, 0, 1}, new int[]{0, 1, 1, 0}, names));
        Repeats r = Repeats.of("seed", List.of(1L, 2L), tests);
        assertEquals(0.625, r.accuracy().mean(), 1e-12);
        assertEquals(Math.sqrt(0.03125), r.accuracy().std(), 1e-12);   // sample std of 0.75 and 0.5
        assertEquals(List.of(0.75, 0.5), r.accuracy().values());
        SummaryTable t = new SummaryTable("T").add("dual seed=1", tests.get(0), null).add("dual seed=2", tests.get(1), null).repeats("dual",
                r);
        String text = t.render();
        assertTrue(text.contains("Over repeated runs: mean +- sample standard deviation of the test scores."), text);
        assertTrue(text.lines().anyMatch(
                l -> l.matches("dual +2 seeds +0\\.6250 \\+- 0\\.1768 +\\d\\.\\d{4} \\+- \\d\\.\\d{4} +0\\.7500 0\\.5000")), text);
        assertTrue(t.renderMarkdown().contains("| dual | 2 seeds | 0.6250 +- 0.1768 |"), t.renderMarkdown());
        assertFalse(new SummaryTable("T").add("x", tests.get(0), null).render().contains("repeated"), "no block without repeats");
    }

    @Test void labelsComeFromTheRunsProvenance() {
        MetricsFile run = RunFolderTest.sampleRun();
        SummaryTable t = new SummaryTable("smoke").add("dual", run).add("dual again", run);
        assertEquals(List.of(SummaryTable.SYNTHETIC_LABEL, SummaryTable.RANDOM_LM_LABEL), t.labels());
        assertTrue(t.render().startsWith("smoke  [SYNTHETIC data; random-init LM]"));
        assertThrows(IllegalArgumentException.class, () -> new SummaryTable("x").add("no test", new MetricsFile()));
    }

    @Test void withoutIntervalsShowsPointEstimates() {
        ClassificationReport r = ClassificationReport.of(ClassificationReportTest.TRUTH, ClassificationReportTest.PRED,
                ClassificationReportTest.NAMES);
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
