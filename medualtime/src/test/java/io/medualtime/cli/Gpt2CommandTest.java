package io.medualtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medualtime.nn.gpt2.Generator;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.gpt2.Sampling;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code medualtime gpt2 ...} on the tiny random GPT-2-architecture fixture of the nn module (2
 * layers x 32 wide, full GPT-2 vocabulary; referenced in place, not copied).
 */
class Gpt2CommandTest {
    static final Path TINY = Path.of("../nn/src/test/resources/fixtures/gpt2-tiny");
    static final ObjectMapper JSON = new ObjectMapper();
    static Gpt2 lm;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll static void load() throws Exception {
        assertTrue(Files.isRegularFile(TINY.resolve("config.json")), "fixture missing: " + TINY.toAbsolutePath());
        lm = Gpt2Loader.load(TINY);
        lm.eval();
    }

    static float[] lastLogits(int[] ids) {
        try (GradMode g = GradMode.noGrad()) {
            return lm.logits(lm.hidden(ids, null, 1, ids.length, null)).narrow(1, ids.length - 1, 1).toArray();
        }
    }

    @Test void logitsJsonEqualsTheModelsLogits() throws Exception {
        int[] ids = {464, 2068, 7586, 21831, 18045};
        Run r = run("gpt2", "logits", "--model", TINY.toString(), "--ids", "464,2068,7586,21831,18045");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JSON.readTree(r.out());
        int[] gotIds = new int[root.get("ids").size()];
        for (int i = 0; i < gotIds.length; i++) gotIds[i] = root.get("ids").get(i).asInt();
        assertArrayEquals(ids, gotIds);
        float[] want = lastLogits(ids);
        JsonNode logits = root.get("logits");
        assertEquals(50257, logits.size());
        for (int i = 0; i < want.length; i++) assertEquals(want[i], (float) logits.get(i).asDouble(), 0f, "logit " + i);
        assertTrue(r.err().contains("GPT-2-architecture LM, 2 layers x 32 wide"), r.err());
    }

    @Test void logitsFromAPromptUseTheGpt2Vocabulary() throws Exception {
        Run r = run("gpt2", "logits", "--model", TINY.toString(), "--prompt", "The quick brown");
        assertEquals(0, r.code(), r.err());
        JsonNode ids = JSON.readTree(r.out()).get("ids");
        assertEquals("[464,2068,7586]", ids.toString());   // GPT-2's ids for "The", " quick", " brown"
    }

    @Test void scorePerplexityIsExpOfTheMeanCrossEntropy() throws Exception {
        String text = "Hello world, this is a test of the scoring command.";
        Run r = run("gpt2", "score", "--model", TINY.toString(), "--text", text, "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JSON.readTree(r.out());
        int[] ids = Gpt2Tokenizer.r50k().encode(text);
        int n = ids.length - 1;
        assertEquals(n, root.get("scored").asInt());
        // independently: mean cross-entropy of positions 0..T-2 against the next tokens
        Tensor loss;
        Tensor logits;
        try (GradMode g = GradMode.noGrad()) {
            logits = lm.logits(lm.hidden(ids, null, 1, ids.length, null)).reshape(ids.length, -1);
            loss = F.crossEntropy(logits.narrow(0, 0, n), Arrays.copyOfRange(ids, 1, ids.length));
        }
        assertEquals(Math.exp(loss.item()), root.get("perplexity").asDouble(), 1e-4 * Math.exp(loss.item()));
        assertEquals(loss.item(), root.get("mean_nll").asDouble(), 1e-5);
        Tensor logSoftmax = logits.logSoftmax(-1);
        JsonNode tokens = root.get("tokens");
        for (int i = 0; i < n; i++) {
            JsonNode t = tokens.get(i);
            assertEquals(ids[i + 1], t.get("id").asInt());
            assertEquals(i + 1, t.get("position").asInt());
            assertEquals(logSoftmax.get(i, ids[i + 1]), t.get("logprob").asDouble(), 1e-4, "logprob at " + (i + 1));
        }
        assertEquals(" world", tokens.get(0).get("token").asText());
        // the table form prints the same perplexity
        Run table = run("gpt2", "score", "--model", TINY.toString(), "--text", text);
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "perplexity %.4f", root.get("perplexity").asDouble())),
                table.out());
    }

    @Test void generateWithAndWithoutCacheGivesTheSameGreedyTokens() throws Exception {
        String prompt = "The quick brown fox";
        Run cached = run("gpt2", "generate", "--model", TINY.toString(), "--prompt", prompt, "--max-new", "12");
        Run plain = run("gpt2", "generate", "--model", TINY.toString(), "--prompt", prompt, "--max-new", "12", "--no-cache");
        assertEquals(0, cached.code(), cached.err());
        assertEquals(0, plain.code(), plain.err());
        assertEquals(cached.out(), plain.out());
        int[] want = new Generator(lm).generate(Gpt2Tokenizer.r50k().encode(prompt), 12, Sampling.greedy(), true);
        assertEquals(prompt + Gpt2Tokenizer.r50k().decode(want) + System.lineSeparator(), cached.out());
        assertTrue(cached.err().contains("prefill") && cached.err().contains("decode") && cached.err().contains("tokens/s"), cached.err());
        // sampling is seeded: same seed, same text; cache or not
        Run s1 = run("gpt2", "generate", "--model", TINY.toString(), "--prompt", prompt, "--max-new", "8", "--temperature", "0.9",
                "--top-k", "20", "--seed", "3");
        Run s2 = run("gpt2", "generate", "--model", TINY.toString(), "--prompt", prompt, "--max-new", "8", "--temperature", "0.9",
                "--top-k", "20", "--seed", "3", "--no-cache");
        assertEquals(0, s1.code(), s1.err());
        assertEquals(s1.out(), s2.out());
    }

    @Test void tooLongInputIsTruncatedFromTheLeftAndSaysSo() throws Exception {
        int[] ids = new int[70];
        StringBuilder arg = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + 7 * i;
            arg.append(i == 0 ? "" : ",").append(ids[i]);
        }
        Run r = run("gpt2", "logits", "--model", TINY.toString(), "--ids", arg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("keeping the last 64"), r.err());
        JsonNode root = JSON.readTree(r.out());
        assertEquals(64, root.get("ids").size());
        assertEquals(ids[6], root.get("ids").get(0).asInt());
        assertEquals(lastLogits(Arrays.copyOfRange(ids, 6, 70))[0], (float) root.get("logits").get(0).asDouble(), 0f);
        // generate: prompt + new tokens must fit; too many new tokens is an error
        Run g = run("gpt2", "generate", "--model", TINY.toString(), "--prompt", "a b c d e f g h", "--max-new", "60");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.err().contains("keeping the last 4"), g.err());
        assertOneLineError(run("gpt2", "generate", "--model", TINY.toString(), "--prompt", "hi", "--max-new", "64"),
                "--max-new 64", "64 positions");
    }

    static void assertOneLineError(Run r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        String[] lines = Arrays.stream(r.err().strip().split("\\R")).filter(l -> !l.startsWith("[medualtime] loaded"))
                .toArray(String[]::new);
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        for (String f : fragments) assertTrue(lines[0].contains(f), "'" + f + "' not in: " + lines[0]);
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    @Test void missingFolderConfigOrWeightsIsOneLineNamingThePath(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("no-such-model");
        assertOneLineError(run("gpt2", "logits", "--model", missing.toString(), "--ids", "1"), missing.toString(), "does not exist");
        assertOneLineError(run("gpt2", "score", "--model", tmp.toString(), "--text", "hi there"), tmp.toString(), "config.json");
        Files.copy(TINY.resolve("config.json"), tmp.resolve("config.json"));
        assertOneLineError(run("gpt2", "generate", "--model", tmp.toString(), "--prompt", "hi"), tmp.toString(), "model.safetensors");
        Files.writeString(tmp.resolve("model.safetensors"), "not a safetensors file");
        Run corrupt = run("gpt2", "logits", "--model", tmp.toString(), "--ids", "1");
        assertEquals(2, corrupt.code(), corrupt.err());
        assertTrue(corrupt.err().startsWith("error: ") && corrupt.err().contains("model.safetensors"), corrupt.err());
        assertOneLineError(run("gpt2", "logits", "--model", TINY.toString(), "--ids", "5,50257"), "50257", "outside the vocabulary");
    }

    /** The tiny fixture's config.json (with fields replaced) and weights (with tensors edited) in {@code dir}. */
    static Path tinyCopy(Path dir, java.util.Map<String, Object> config,
            java.util.Map<String, java.util.function.UnaryOperator<float[]>> edits)
            throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode c = (com.fasterxml.jackson.databind.node.ObjectNode) JSON
                .readTree(TINY.resolve("config.json").toFile());
        config.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        Files.writeString(dir.resolve("config.json"), c.toString());
        io.medualtime.tensor.io.TestCheckpoints.copyWithEdits(TINY.resolve("model.safetensors"), dir.resolve("model.safetensors"), edits);
        return dir;
    }

    @Test void nanWeightsAreAOneLineErrorNamingTheTensorNotNanOutput(@TempDir Path tmp) throws Exception {
        Path dir = tinyCopy(tmp, java.util.Map.of(),
                java.util.Map.of("transformer.h.0.attn.c_proj.weight", io.medualtime.tensor.io.TestCheckpoints.set(5, Float.NaN)));
        String m = dir.toString();
        for (String[] args : new String[][]{{"gpt2", "logits", "--model", m, "--ids", "464,2068"},
                {"gpt2", "score", "--model", m, "--text", "Hello world"},
                {"gpt2", "generate", "--model", m, "--prompt", "Hello", "--max-new", "3"}})
            assertOneLineError(run(args), "model.safetensors", "'transformer.h.0.attn.c_proj.weight'", "element 5 is NaN");
    }

    @Test void outputsThatOverflowAreRefusedBeforeTheyArePrinted(@TempDir Path tmp) throws Exception {
        // finite weights whose final LayerNorm scales to +-Infinity: logits of Infinity and NaN
        java.util.function.UnaryOperator<float[]> huge = a -> { float[] c = a.clone(); java.util.Arrays.fill(c, 3e38f); return c; };
        Path dir = tinyCopy(tmp, java.util.Map.of(), java.util.Map.of("transformer.ln_f.weight", huge, "transformer.ln_f.bias", huge));
        assertOneLineError(run("gpt2", "logits", "--model", dir.toString(), "--ids", "464,2068"), "the logits holds a non-finite value",
                "overflowed");
        assertOneLineError(run("gpt2", "score", "--model", dir.toString(), "--text", "Hello world"), "the logits holds a non-finite value");
        assertOneLineError(run("gpt2", "generate", "--model", dir.toString(), "--prompt", "Hello", "--max-new", "3"), "is not finite");
    }

    @Test void badGenerationOptionsAreOneLineErrors() {
        String m = TINY.toString();
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--temperature", "NaN"), "--temperature", "NaN");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--temperature", "Infinity"), "--temperature",
                "Infinity");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--temperature", "1e39"), "--temperature", "Infinity");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--temperature", "-1"), "--temperature", "-1.0");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--top-k", "-2", "--temperature", "1"), "--top-k", "-2");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--top-k", "40"),
                "--top-k 40 has no effect with --temperature 0");
        assertOneLineError(run("gpt2", "generate", "--model", m, "--prompt", "hi", "--max-new", "0"), "--max-new", "0");
    }

    @Test void aTokenizerLargerThanTheModelIsRefusedAtLoadNamingBothSizes(@TempDir Path tmp) throws Exception {
        io.medualtime.nn.gpt2.Gpt2Config small = io.medualtime.nn.gpt2.Gpt2Config.of(300, 16, 8, 1, 2);
        small.save(tmp);
        io.medualtime.tensor.io.SafetensorsWriter w = new io.medualtime.tensor.io.SafetensorsWriter();
        new Gpt2(small, new io.medualtime.tensor.Rng(1)).stateDict()
                .forEach((k, t) -> w.addFloat(k, t.toArray(), Arrays.stream(t.shape()).asLongStream().toArray()));
        w.write(tmp.resolve("model.safetensors"));
        for (String[] args : new String[][]{{"gpt2", "generate", "--model", tmp.toString(), "--prompt", "hi", "--max-new", "2"},
                {"gpt2", "score", "--model", tmp.toString(), "--text", "hi there"},
                {"gpt2", "logits", "--model", tmp.toString(), "--prompt", "hi"}})
            assertOneLineError(run(args), tmp.toString(), "50257 ids", "vocab_size is 300");
        assertEquals(0, run("gpt2", "logits", "--model", tmp.toString(), "--ids", "1,2,299").code(), "ids need no tokenizer");
    }
}
