package io.medualtime.nn.gpt2;

import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class Gpt2ConfigTest {

    @TempDir
    Path dir;

    /** The fields of Hugging Face's gpt2 config.json, with n_inner null. */
    static final String GPT2_JSON = """
            {
              "activation_function": "gelu_new",
              "architectures": ["GPT2LMHeadModel"],
              "attn_pdrop": 0.1,
              "bos_token_id": 50256,
              "embd_pdrop": 0.1,
              "eos_token_id": 50256,
              "initializer_range": 0.02,
              "layer_norm_epsilon": 1e-05,
              "model_type": "gpt2",
              "n_ctx": 1024,
              "n_embd": 768,
              "n_head": 12,
              "n_inner": null,
              "n_layer": 12,
              "n_positions": 1024,
              "resid_pdrop": 0.1,
              "summary_type": "cls_index",
              "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
              "vocab_size": 50257
            }
            """;

    private Path write(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private void assertBad(String json, String... fragments) throws IOException {
        write(json);
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Config.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), () -> "lacks '" + f + "': " + e.getMessage());
    }

    @Test void loadsHuggingFaceGpt2Config() throws IOException {
        Gpt2Config c = Gpt2Config.load(write(GPT2_JSON));
        assertEquals(50257, c.vocabSize());
        assertEquals(1024, c.nPositions());
        assertEquals(768, c.nEmbd());
        assertEquals(12, c.nLayer());
        assertEquals(12, c.nHead());
        assertEquals(3072, c.nInner()); // null -> 4 * n_embd
        assertEquals(64, c.headDim());
        assertEquals(1e-5, c.layerNormEpsilon());
        assertEquals("gelu_new", c.activationFunction());
        assertEquals(0.1, c.residPdrop());
        assertEquals(50256, c.eosTokenId());
        assertEquals(Gpt2Config.gpt2(), c);
        assertEquals(124_439_808L, c.parameterCount()); // HF: GPT2LMHeadModel.num_parameters()
    }

    @Test void defaultsLegacyNctxAndExplicitInner() throws IOException {
        Gpt2Config c = Gpt2Config.load(write("{\"vocab_size\": 100, \"n_ctx\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4,"
                + " \"n_inner\": 40, \"activation_function\": \"gelu_pytorch_tanh\"}"));
        assertEquals(32, c.nPositions());
        assertEquals(40, c.nInner());
        assertEquals("gelu_pytorch_tanh", c.activationFunction());
        assertEquals(1e-5, c.layerNormEpsilon());
        assertEquals(0.1, c.attnPdrop());
        assertEquals(99, c.eosTokenId()); // a small vocab: default clamps into range
        assertEquals("gpt2", c.modelType());
    }

    @Test void knownSizes() {
        assertEquals(354_823_168L, Gpt2Config.gpt2Medium().parameterCount());
        assertEquals(774_030_080L, Gpt2Config.gpt2Large().parameterCount());
        assertEquals(1_557_611_200L, Gpt2Config.gpt2Xl().parameterCount());
        assertEquals(81_912_576L, Gpt2Config.distilgpt2().parameterCount());
        assertEquals(64, Gpt2Config.gpt2Xl().headDim());
        assertEquals(Gpt2Config.gpt2Large(), Gpt2Config.named("gpt2-large"));
        assertThrows(IllegalArgumentException.class, () -> Gpt2Config.named("gpt3"));
    }

    @Test void toJsonRoundTrips() throws IOException {
        Gpt2Config c = new Gpt2Config("gpt2", 1000, 64, 32, 3, 4, 100, 1e-6, "gelu_pytorch_tanh", 0.0, 0.05, 0.2, 5, 7,
                true, true, false, false);
        c.save(dir);
        Gpt2Config back = Gpt2Config.load(dir);
        assertEquals(c, back);
        assertTrue(c.toJson().contains("\"GPT2LMHeadModel\""));
        assertEquals(Gpt2Config.gpt2(), Gpt2Config.load(write(Gpt2Config.gpt2().toJson())));
    }

    @Test void errorsNameTheFileAndField() throws IOException {
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2}", "\"n_head\"", "missing");
        assertBad("{\"vocab_size\": 100, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4}", "\"n_positions\"", "n_ctx");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 18, \"n_layer\": 2, \"n_head\": 4}",
                "\"n_embd\" (18)", "not divisible", "\"n_head\" (4)");
        assertBad(
                "{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4, \"activation_function\": \"relu\"}",
                "\"activation_function\"", "relu");
        assertBad(
                "{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4, \"activation_function\": \"gelu\"}",
                "\"activation_function\"", "\"gelu\"");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": \"16\", \"n_layer\": 2, \"n_head\": 4}",
                "\"n_embd\"", "integer");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16.5, \"n_layer\": 2, \"n_head\": 4}", "\"n_embd\"", "integer");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 0, \"n_head\": 4}", "\"n_layer\"", "positive");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4, \"layer_norm_epsilon\": -1}",
                "\"layer_norm_epsilon\"");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4, \"attn_pdrop\": 1.5}",
                "\"attn_pdrop\"");
        assertBad("{\"vocab_size\": 100, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4, \"eos_token_id\": 100}",
                "\"eos_token_id\"");
        assertBad("{\"model_type\": \"bert\", \"vocab_size\": 100}", "\"model_type\"", "bert");
        assertBad("{\"vocab_size\": 100,", "not valid JSON");
        assertBad("[1, 2]", "not a JSON object");
        assertBad(GPT2_JSON + "\u0000garbage", "not valid JSON");   // a damaged file is not half-read
        assertBad(GPT2_JSON + "{\"n_layer\": 99}", "not valid JSON", "Trailing token");
        assertBad("{\"vocab_size\": 100, \"vocab_size\": 200}", "Duplicate field");
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Config.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> Gpt2Config.of(100, 32, 10, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> Gpt2Config.of(0, 32, 16, 2, 4));
    }

    @Test void readsTheReferenceTinyGpt2Config() throws Exception {
        var url = Gpt2ConfigTest.class.getResource("/fixtures/gpt2-tiny/config.json");
        if (url == null) return; // fixture maintained elsewhere
        Gpt2Config c = Gpt2Config.load(Path.of(url.toURI()));
        assertEquals(50257, c.vocabSize());
        assertEquals(c.nEmbd() / c.nHead(), c.headDim());
        assertEquals(4 * c.nEmbd(), c.nInner());
    }
}
