package io.medualtime.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The page's structure, parsed as XML: sections, SVG, escaping, provenance, no network. */
class ReportPageTest {

    @Test void pageIsWellFormedWithEverySectionAndItsFigures(@TempDir Path tmp) throws Exception {
        Path run = ReportFixture.run(tmp.resolve("run"), true, false);
        Path file = RunReport.write(run);
        assertEquals(run.resolve("report.html"), file);
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        Document d = ReportFixture.parse(html);   // throws unless every element and every SVG is well-formed
        for (String id : List.of("provenance", "results", "curves", "confusion", "examples", "config"))
            assertNotNull(ReportFixture.byId(d, id), "section " + id);
        NodeList svgs = d.getElementsByTagName("svg");
        // 2 curves (loss, validation accuracy) + 1 heat map + 5 ECGs
        assertEquals(8, svgs.getLength(), "figures");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element s = (Element) svgs.item(i);
            assertTrue(Integer.parseInt(s.getAttribute("width")) > 100 && Integer.parseInt(s.getAttribute("height")) > 100,
                    "svg " + i + " size");
            assertEquals(1, s.getElementsByTagName("title").getLength(), "svg " + i + " has an accessible title");
        }
        Element ex = ReportFixture.byId(d, "examples");
        assertEquals(5, ex.getElementsByTagName("svg").getLength(), "one ECG per class");
        assertEquals(12, ((Element) ex.getElementsByTagName("svg").item(0)).getElementsByTagName("polyline").getLength(), "12 leads");
        Element conf = ReportFixture.byId(d, "confusion");
        String confText = conf.getTextContent();
        assertTrue(confText.contains("1.0000 [1.0000, 1.0000]"), "NORM recall is 6/6 in every replicate: " + confText);
        assertEquals("SYNTHETIC DATA.", ((Element) ReportFixture.byId(d, "provenance").getElementsByTagName("b").item(0)).getTextContent());
    }

    @Test void everyTextIsEscapedAndNothingIsFetched(@TempDir Path tmp) throws Exception {
        Path run = ReportFixture.run(tmp.resolve("run <&>"), true, false);
        String html = RunReport.build(run);
        assertFalse(html.contains("<script"), "a report's markup must not become markup");
        assertFalse(html.contains("<b>elevation"), "report text escaped");
        assertFalse(html.contains("\u0001"), "control characters are not allowed in the page");
        Document d = ReportFixture.parse(html);
        String text = d.getDocumentElement().getTextContent();
        assertTrue(text.contains("<script>alert('x')</script> & \"ST\" <b>elevation</b>\uFFFD V2-V4"), "the report text reads as written");
        assertTrue(text.contains("run <&>"), "the folder name reads as written");
        assertTrue(text.contains("dual <both>"), "configuration values read as written");
        assertFalse(Pattern.compile("https?:", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no URL in the page");
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed"))
            assertEquals(0, d.getElementsByTagName(tag).getLength(), tag);
        Matcher m = Pattern.compile("(src|href)\\s*=").matcher(html);
        assertFalse(m.find(), "no external resource");
    }

    @Test void randomLmIsNeverCalledGpt2AndRealDataIsNotLabelledSynthetic(@TempDir Path tmp) throws Exception {
        String random = ReportFixture.parse(RunReport.build(ReportFixture.run(tmp.resolve("a"), true, false))).getDocumentElement()
                .getTextContent();
        assertTrue(random.contains("LM: RANDOM INITIALISATION, NOT pretrained GPT-2."), random);
        Matcher m = Pattern.compile("GPT-2").matcher(random);
        while (m.find()) {
            String around = random.substring(Math.max(0, m.start() - 15), Math.min(random.length(), m.end() + 13));
            assertTrue(around.contains("GPT-2-architecture") || around.contains("NOT pretrained GPT-2"),
                    "a random-init LM called GPT-2: ..." + around + "...");
        }
        String real = ReportFixture.parse(RunReport.build(ReportFixture.run(tmp.resolve("b"), false, true))).getDocumentElement()
                .getTextContent();
        assertFalse(real.contains("SYNTHETIC"), "real data is not labelled synthetic");
        assertFalse(real.contains("RANDOM"), real);
        assertTrue(real.contains("pretrained LM from /models/gpt2"), real);
    }

    @Test void missingDatasetIsANoteNotAFailure(@TempDir Path tmp) throws Exception {
        Path run = ReportFixture.run(tmp.resolve("run"), true, false);
        try (var files = Files.walk(run.resolve("data"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Document d = ReportFixture.parse(RunReport.build(run));
        Element ex = ReportFixture.byId(d, "examples");
        assertEquals(0, ex.getElementsByTagName("svg").getLength());
        assertTrue(ex.getTextContent().contains("is not there any more"), ex.getTextContent());
        assertNotNull(ReportFixture.byId(d, "confusion"), "the recorded numbers are still shown");
    }

    @Test void aFolderThatIsNoRunIsAOneLineError(@TempDir Path tmp) {
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> RunReport.build(tmp));
        assertTrue(e.getMessage().contains("metrics.json"), e.getMessage());
    }

    /** train --seeds writes seed-<SEED> folders: the report lists them by seed value, not as text (seed-10 after seed-2). */
    @Test void seedRunsAreListedInNumericOrder(@TempDir Path tmp) throws Exception {
        for (String seed : new String[]{"seed-10", "seed-2", "seed-1", "seed-100"}) ReportFixture.run(tmp.resolve(seed), true, false);
        assertEquals(java.util.List.of("seed-1", "seed-2", "seed-10", "seed-100"),
                RunReport.subRuns(tmp).stream().map(RunView::name).toList());
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("b", "a10", "a2", "a02", "a", "a2b", "a2a", "10", "9"));
        names.sort(RunReport::naturalOrder);
        assertEquals(java.util.List.of("9", "10", "a", "a02", "a2", "a2a", "a2b", "a10", "b"), names);
    }

    @Test void escapeHandlesEveryMarkupCharacter() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;\uFFFD\t", Html.esc("<a href=\"x\">&'\u0000\t"));
        assertEquals("", Html.esc(null));
        assertEquals("-0.5", Html.coord(-0.5));
        assertEquals("12", Html.coord(12.04));
    }

    @Test void ticksCoverTheRangeWithRoundSteps() {
        double[] t = Svg.ticks(0.37, 1.82, 5);
        assertTrue(t[0] <= 0.37 && t[t.length - 1] >= 1.82, java.util.Arrays.toString(t));
        double step = t[1] - t[0], mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
        assertTrue(List.of(1.0, 2.0, 5.0).stream().anyMatch(v -> Math.abs(v - mantissa) < 1e-9), "step " + step);
        assertTrue(t.length >= 3 && t.length <= 8, java.util.Arrays.toString(t));
        assertTrue(Svg.ticks(1, 1, 5).length >= 2, "a flat range still gets an axis");
    }

    @Test void decimationKeepsEverySpike() {
        float[] s = new float[5000];
        s[1234] = 3f;
        s[4321] = -2f;
        double[][] d = EcgStrips.decimate(s, 100);
        assertEquals(200, d[0].length);
        assertEquals(3.0, java.util.Arrays.stream(d[1]).max().orElseThrow());
        assertEquals(-2.0, java.util.Arrays.stream(d[1]).min().orElseThrow());
        for (int i = 1; i < d[0].length; i++) assertTrue(d[0][i] >= d[0][i - 1], "time order");
    }
}
