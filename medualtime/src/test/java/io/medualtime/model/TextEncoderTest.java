package io.medualtime.model;

import io.medualtime.nn.tokenizer.Tokenizer;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Report batching, the frozen GPT-2 text vector under padding and truncation, and the cache. */
class TextEncoderTest {
    /** A toy tokenizer for the 1000-id fixture LM: one id per character. */
    static final Tokenizer CHARS = new Tokenizer() {
        @Override public int[] encode(String text) { return text.chars().map(c -> c % 999).toArray(); }
        @Override public String decode(int[] ids) { throw new UnsupportedOperationException(); }
        @Override public int vocabSize() { return 1000; }
    };

    @Test void paddingTruncationAndEmptyReports() {
        ReportBatch b = ReportBatch.pad(List.of(new int[]{5, 6, 7}, new int[]{}, new int[]{1, 2, 3, 4, 5, 6}), 999, 4);
        assertEquals(4, b.length());
        assertArrayEquals(new int[]{3, 1, 4}, b.lengths());
        assertArrayEquals(new int[]{5, 6, 7, 999, 999, 999, 999, 999, 1, 2, 3, 4}, b.ids());
        assertArrayEquals(new int[]{1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1}, b.mask());
        assertArrayEquals(new int[]{2, 4, 11}, b.lastTokenRows());
        assertThrows(IllegalArgumentException.class, () -> ReportBatch.fromPadded(new int[]{1, 2}, new int[]{0, 1}, 1, 2));
    }

    @Test void gpt2VectorOfAReportDoesNotDependOnItsBatch() throws Exception {
        try (TinyFixture fx = new TinyFixture()) {
            MedualTime m = fx.model();
            FrozenGpt2TextEncoder enc = new FrozenGpt2TextEncoder(m.lm, CHARS, 2);
            String shortReport = "sinus rhythm", longReport = "sinus rhythm, left axis deviation, otherwise normal";
            Tensor alone = enc.encode(List.of(shortReport));
            Tensor batched = enc.encode(List.of(longReport, shortReport, "x"));   // padded, 2 chunks
            assertArrayEquals(new int[]{3, 64}, batched.shape());
            Fixtures.assertClose("padding must not change a vector", alone, batched.narrow(0, 1, 1), 1e-5);
            assertTrue(m.isTraining(), "the encoder must restore the LM's mode");
            StringBuilder huge = new StringBuilder();
            for (int i = 0; i < 100; i++) huge.append("ab");
            assertArrayEquals(new int[]{1, 64}, enc.encode(List.of(huge.toString())).shape()); // cut to 64 positions
        }
    }

    @Test void cacheEncodesEachDistinctReportOnce() {
        List<List<String>> calls = new ArrayList<>();
        TextEncoder counting = new TextEncoder() {
            @Override public int dim() { return 2; }
            @Override public Tensor encode(List<String> reports) {
                calls.add(List.copyOf(reports));
                float[] v = new float[reports.size() * 2];
                for (int i = 0; i < reports.size(); i++) { v[2 * i] = reports.get(i).length(); v[2 * i + 1] = reports.get(i).hashCode(); }
                return Tensor.wrap(v, reports.size(), 2);
            }
        };
        CachedTextEncoder cache = new CachedTextEncoder(counting);
        Tensor a = cache.encode(List.of("a", "bb", "a"));
        Tensor b = cache.encode(List.of("bb", "ccc", "a"));
        assertEquals(List.of(List.of("a", "bb"), List.of("ccc")), calls);
        assertEquals(3, cache.encodedCount());
        assertArrayEquals(new float[]{1, "a".hashCode(), 2, "bb".hashCode(), 1, "a".hashCode()}, a.toArray());
        assertArrayEquals(new float[]{2, "bb".hashCode(), 3, "ccc".hashCode(), 1, "a".hashCode()}, b.toArray());
        cache.encode(List.of("ccc", "bb"));
        assertEquals(2, calls.size(), "cached reports must not be encoded again");
    }
}
