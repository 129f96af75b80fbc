package io.medualtime.nn.gpt2;

import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The embedding facade on the tiny random GPT-2-architecture fixture (2 layers x 32, config dropout 0.1). */
class Gpt2PipelineTest {
    static final Path TINY = Path.of("src/test/resources/fixtures/gpt2-tiny");
    static Gpt2Pipeline gpt2;
    static Gpt2 reference;

    @BeforeAll static void load() throws Exception {
        gpt2 = Gpt2Pipeline.load(TINY);
        reference = Gpt2Loader.load(TINY);
        reference.eval();
    }

    static float[] referenceLast(int[] ids) {
        try (GradMode g = GradMode.noGrad()) {
            return reference.logits(reference.hidden(ids, null, 1, ids.length, null)).narrow(1, ids.length - 1, 1).toArray();
        }
    }

    @Test void lastLogitsAreTheEvalModeModelsAndRepeat() {
        int[] ids = gpt2.encode("The quick brown");
        assertArrayEquals(new int[]{464, 2068, 7586}, ids);
        float[] got = gpt2.lastLogits("The quick brown");
        assertArrayEquals(referenceLast(ids), got, 0f);       // dropout off: the same numbers every call
        assertArrayEquals(got, gpt2.lastLogits(ids), 0f);
        assertFalse(gpt2.model().isTraining());
    }

    @Test void scoreIsTheLogSoftmaxOfTheNextToken() {
        Gpt2Pipeline.Score s = gpt2.score("The quick brown fox", true);
        assertEquals(5, s.ids().length);
        assertEquals(4, s.logprobs().length);
        float[] logits = gpt2.lastLogits(java.util.Arrays.copyOf(s.ids(), 2));
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : logits) max = Math.max(max, l);
        for (float l : logits) sum += Math.exp(l - max);
        assertEquals(logits[s.ids()[2]] - max - Math.log(sum), s.logprobs()[1], 1e-5 * Math.abs(s.logprobs()[1]));   // fp32: another sequence length
        double mean = 0;
        for (double lp : s.logprobs()) mean -= lp / s.logprobs().length;
        assertEquals(mean, s.meanNll(), 1e-12);
        assertEquals(Math.exp(mean), s.perplexity(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> gpt2.score(new int[]{464}));
    }

    @Test void greedyGenerationMatchesTheGenerator() {
        int[] prompt = gpt2.encode("Hello");
        int[] want = new Generator(reference).generate(prompt, 6, Sampling.greedy(), false);
        assertArrayEquals(want, gpt2.generate(prompt, 6, Sampling.greedy(), id -> {}));
        assertEquals(gpt2.decode(want), gpt2.generate("Hello", 6, Sampling.greedy()));
    }

    @Test void concurrentCallersGetTheSameNumbers() throws Exception {
        float[] want = gpt2.lastLogits("A B C D");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) fs.add(pool.submit(() -> gpt2.lastLogits("A B C D")));
            for (Future<float[]> f : fs) assertArrayEquals(want, f.get(), 0f);
        } finally {
            pool.shutdown();
        }
    }

    @Test void badIdsAreOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpt2.lastLogits(new int[]{1, 60000}));
        assertEquals("token id 60000 at position 1 is outside the vocabulary [0, 50257)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpt2.lastLogits(new int[0]));
    }

    /** A copy of the tiny fixture with edited tensors. */
    static Path copy(Path dir, java.util.Map<String, java.util.function.UnaryOperator<float[]>> edits) throws Exception {
        java.nio.file.Files.copy(TINY.resolve("config.json"), dir.resolve("config.json"));
        io.medualtime.tensor.io.TestCheckpoints.copyWithEdits(TINY.resolve("model.safetensors"), dir.resolve("model.safetensors"), edits);
        return dir;
    }

    @Test void logitsThatOverflowAreAnErrorNotAnAnswer(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        java.util.function.UnaryOperator<float[]> huge = a -> { float[] c = a.clone(); java.util.Arrays.fill(c, 3e38f); return c; };
        Gpt2Pipeline bad = Gpt2Pipeline.load(copy(tmp, java.util.Map.of("transformer.ln_f.weight", huge, "transformer.ln_f.bias", huge)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.lastLogits("Hello world"));
        assertTrue(e.getMessage().startsWith("the logits holds a non-finite value") && e.getMessage().contains("overflowed float32"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bad.score("Hello world", false));
        assertThrows(IllegalArgumentException.class, () -> bad.generate("Hello", 2, Sampling.greedy()));
    }

    @Test void aWeightsFileRewrittenUnderTheModelIsAnErrorBeforeAnyOutput(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path dir = copy(tmp, java.util.Map.of());
        Path file = dir.resolve("model.safetensors");
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));   // a rewrite gets a later time
        Gpt2Pipeline mapped = new Gpt2Pipeline(Gpt2Loader.load(dir, 0L), gpt2.tokenizer());
        float[] before = mapped.lastLogits("Hello");
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> mapped.lastLogits("Hello"));
        assertTrue(e.getCause().getMessage().contains("changed on disk since the model was loaded"), e.getCause().getMessage());
        List<Integer> printed = new ArrayList<>();
        assertThrows(java.io.UncheckedIOException.class, () -> mapped.generate(mapped.encode("Hello"), 3, Sampling.greedy(), printed::add));
        assertTrue(printed.isEmpty(), "no token is handed out from changed weights");
        assertEquals(before.length, 50257);
    }
}
