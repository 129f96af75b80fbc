package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassificationReportTest {
    private static final double EPS = 1e-12;

    // classes A B C D; C occurs in the truth but is never predicted, D is predicted once but never true.
    //            truth:     A A A B B C C C
    //            predicted: A A B B D A B B
    static final int[] TRUTH = {0, 0, 0, 1, 1, 2, 2, 2};
    static final int[] PRED = {0, 0, 1, 1, 3, 0, 1, 1};
    static final List<String> NAMES = List.of("A", "B", "C", "D");

    @Test void handComputedExampleWithUnpredictedAndAbsentClasses() {
        ClassificationReport r = ClassificationReport.of(TRUTH, PRED, NAMES);
        assertEquals(8, r.n());
        assertEquals(3.0 / 8, r.accuracy(), EPS);
        // A: tp 2, fp 1, fn 1
        assertEquals(2.0 / 3, r.precision(0), EPS);
        assertEquals(2.0 / 3, r.recall(0), EPS);
        assertEquals(2.0 / 3, r.f1(0), EPS);
        // B: tp 1, fp 3, fn 1
        assertEquals(1.0 / 4, r.precision(1), EPS);
        assertEquals(1.0 / 2, r.recall(1), EPS);
        assertEquals(1.0 / 3, r.f1(1), EPS);
        // C never predicted: precision 0/0 -> 0 (zero_division=0), recall 0, F1 0
        assertEquals(0, r.precision(2), EPS);
        assertEquals(0, r.recall(2), EPS);
        assertEquals(0, r.f1(2), EPS);
        assertEquals(0, r.predictedCount(2));
        // D absent from the truth: recall 0/0 -> 0, precision 0/1, F1 0
        assertEquals(0, r.support(3));
        assertEquals(0, r.precision(3), EPS);
        assertEquals(0, r.recall(3), EPS);
        assertEquals(0, r.f1(3), EPS);
        // macro over all 4 classes (each occurs in truth or predictions), as sklearn average="macro"
        assertEquals(4, r.macroClasses());
        assertEquals(11.0 / 48, r.macroPrecision(), EPS);
        assertEquals(7.0 / 24, r.macroRecall(), EPS);
        assertEquals(1.0 / 4, r.macroF1(), EPS);
        // weighted by support 3, 2, 3, 0
        assertEquals(2.5 / 8, r.weightedPrecision(), EPS);
        assertEquals(3.0 / 8, r.weightedRecall(), EPS);
        assertEquals(1.0 / 3, r.weightedF1(), EPS);
        assertArrayEquals(new int[][]{{2, 1, 0, 0}, {0, 1, 0, 1}, {1, 2, 0, 0}, {0, 0, 0, 0}}, r.confusion());
        assertArrayEquals(new int[]{3, 2, 3, 0}, r.perClass().stream().mapToInt(ClassificationReport.ClassStats::support).toArray());
    }

    @Test void classInNeitherTruthNorPredictionsIsLeftOutOfTheMacroAverage() {
        List<String> five = List.of("A", "B", "C", "D", "E");
        ClassificationReport r = ClassificationReport.of(TRUTH, PRED, five);
        assertEquals(4, r.macroClasses());
        assertEquals(1.0 / 4, r.macroF1(), EPS);
        assertEquals(11.0 / 48, r.macroPrecision(), EPS);
        assertEquals(0, r.support(4));
        assertTrue(r.toText().contains("macro averages over the 4 of 5 classes"));
    }

    @Test void perfectAndEmpty() {
        ClassificationReport perfect = ClassificationReport.of(new int[]{0, 1, 2, 1}, new int[]{0, 1, 2, 1}, List.of("x", "y", "z"));
        assertEquals(1, perfect.accuracy(), EPS);
        assertEquals(1, perfect.macroF1(), EPS);
        ClassificationReport empty = ClassificationReport.of(new int[0], new int[0], List.of("x", "y"));
        assertEquals(0, empty.n());
        assertEquals(0, empty.accuracy(), EPS);
        assertEquals(0, empty.macroF1(), EPS);
    }

    @Test void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new int[]{0}, new int[]{0, 1}, NAMES));
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new int[]{4}, new int[]{0}, NAMES));
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new int[]{0}, new int[]{-1}, NAMES));
        assertThrows(IllegalArgumentException.class, () -> new ClassificationReport(List.of("a", "b"), new int[][]{{1, 2}}));
    }

    @Test void jsonRoundTripAndDerivedFields() throws Exception {
        ClassificationReport r = ClassificationReport.of(TRUTH, PRED, NAMES);
        String json = r.toJson();
        ClassificationReport back = ClassificationReport.fromJson(json);
        assertEquals(r, back);
        assertEquals(r.macroF1(), back.macroF1(), 0);
        var tree = MetricsJson.mapper().readTree(json);
        assertEquals(3.0 / 8, tree.get("accuracy").asDouble(), EPS);
        assertEquals(0.25, tree.get("macroF1").asDouble(), EPS);
        assertEquals("C", tree.get("perClass").get(2).get("name").asText());
        assertEquals(0, tree.get("perClass").get(2).get("predicted").asInt());
        assertEquals(4, tree.get("confusion").size());
    }

    @Test void textRenderingIsAligned() {
        String text = ClassificationReport.of(TRUTH, PRED, List.of("NORM", "MI", "STTC", "CD")).toText();
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).endsWith("precision     recall   f1-score  support"), lines.get(0));
        int width = lines.get(0).length();
        for (int i = 1; i <= 4; i++) assertEquals(width, lines.get(i).length(), "row " + i + ": " + lines.get(i));
        assertTrue(lines.get(1).startsWith("NORM "));
        assertTrue(text.contains("0.6667"));
        assertTrue(text.contains("macro avg        0.2292     0.2917     0.2500"), text);
        assertTrue(text.contains("confusion matrix (rows: true, columns: predicted)"));
        assertFalse(text.chars().anyMatch(c -> c == '\t' || c == '\r' || c == 27));
    }
}
