package io.medualtime.nn.bert;

import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BertConfigTest {

    @TempDir
    Path dir;

    static final String BERT = """
            {"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072,
             "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
             "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute", "type_vocab_size": 2,
             "vocab_size": 119547}
            """;

    static final String DISTIL = """
            {"activation": "gelu", "architectures": ["DistilBertForMaskedLM"], "attention_dropout": 0.1, "dim": 768,
             "dropout": 0.1, "hidden_dim": 3072, "initializer_range": 0.02, "max_position_embeddings": 512,
             "model_type": "distilbert", "n_heads": 12, "n_layers": 6, "output_past": true, "pad_token_id": 0,
             "qa_dropout": 0.1, "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": false, "tie_weights_": true,
             "vocab_size": 119547}
            """;

    private Path write(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private void assertBad(String json, String... fragments) throws IOException {
        write(json);
        ConfigException e = assertThrows(ConfigException.class, () -> BertConfig.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), () -> "lacks '" + f + "': " + e.getMessage());
    }

    @Test void bert() throws IOException {
        BertConfig c = BertConfig.load(write(BERT));
        assertFalse(c.isDistilBert());
        assertEquals(BertConfig.bertBaseMultilingualCased(), c);
        assertEquals(2, c.typeVocabSize());
        assertEquals(64, c.headDim());
    }

    @Test void distilbert() throws IOException {
        BertConfig c = BertConfig.load(write(DISTIL));
        assertTrue(c.isDistilBert());
        assertEquals(768, c.hiddenSize());
        assertEquals(6, c.numHiddenLayers());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(3072, c.intermediateSize());
        assertEquals(0, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(BertConfig.distilbertBaseMultilingualCased(), c);
        // without model_type the DistilBERT field names decide
        BertConfig d = BertConfig.load(write(DISTIL.replace("\"model_type\": \"distilbert\",", "")));
        assertTrue(d.isDistilBert());
    }

    @Test void toJsonWritesEachFlavoursHuggingFaceNamesInOrder() {
        assertEquals(String.join(",", "[architectures, model_type, vocab_size, hidden_size, num_hidden_layers, num_attention_heads",
                " intermediate_size, max_position_embeddings, type_vocab_size, layer_norm_eps, hidden_act, hidden_dropout_prob",
                " attention_probs_dropout_prob, pad_token_id, position_embedding_type]"), fieldNames(BertConfig.bertBaseUncased()));
        assertEquals(String.join(",", "[architectures, model_type, vocab_size, dim, n_layers, n_heads, hidden_dim",
                " max_position_embeddings, activation, dropout, attention_dropout, pad_token_id, sinusoidal_pos_embds]"),
                fieldNames(BertConfig.distilbertBaseUncased()));
        assertTrue(BertConfig.distilbertBaseUncased().toJson().contains("\"DistilBertModel\""));
    }

    static String fieldNames(BertConfig c) {
        try {
            var names = new java.util.ArrayList<String>();
            io.medualtime.nn.config.ConfigFields.JSON.readTree(c.toJson()).fieldNames().forEachRemaining(names::add);
            return names.toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test void toJsonRoundTrips() throws IOException {
        for (BertConfig c : new BertConfig[]{BertConfig.bertBaseUncased(), BertConfig.distilbertBaseUncased(),
                new BertConfig("bert", 99, 32, 2, 4, 37, 64, 1, 1e-5, "relu", 0.0, 0.2, 3, false)}) {
            c.save(dir);
            assertEquals(c, BertConfig.load(dir));
        }
    }

    @Test void errors() throws IOException {
        assertBad(BERT.replace("\"num_attention_heads\": 12,", ""), "\"num_attention_heads\"", "missing");
        assertBad(DISTIL.replace("\"n_heads\": 12,", ""), "\"n_heads\"", "missing");
        assertBad(BERT.replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 10"), "\"hidden_size\" (768)", "not divisible");
        assertBad(DISTIL.replace("\"n_heads\": 12", "\"n_heads\": 7"), "\"dim\" (768)", "\"n_heads\" (7)");
        assertBad(BERT.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"swish\""), "\"hidden_act\"", "swish");
        assertBad(DISTIL.replace("\"activation\": \"gelu\"", "\"activation\": \"tanh\""), "\"activation\"", "tanh");
        assertBad(BERT.replace("\"absolute\"", "\"relative_key\""), "\"position_embedding_type\"");
        assertBad(BERT.replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""), "\"model_type\"", "roberta");
        assertBad(BERT.replace("\"vocab_size\": 119547", "\"vocab_size\": \"many\""), "\"vocab_size\"", "integer");
    }

    @Test void sizesBeyondTheLimitsAreRefused() throws IOException {
        assertBad(BERT.replace("\"num_hidden_layers\": 12", "\"num_hidden_layers\": 1000000"), "\"num_hidden_layers\" = 1000000",
                "maximum 1024");
        assertBad(BERT.replace("\"vocab_size\": 119547", "\"vocab_size\": 2000000000"), "\"vocab_size\" = 2000000000");
        assertBad(BERT.replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 1000000000"),
                "\"max_position_embeddings\"");
        assertBad(BERT.replace("\"type_vocab_size\": 2", "\"type_vocab_size\": 100000000"), "\"type_vocab_size\" = 100000000");
        assertBad(DISTIL.replace("\"hidden_dim\": 3072", "\"hidden_dim\": 2000000000"), "\"hidden_dim\" = 2000000000");
        assertBad(DISTIL.replace("\"vocab_size\": 119547", "\"vocab_size\": 1000000").replace("\"dim\": 768", "\"dim\": 4800")
                .replace("\"n_heads\": 12", "\"n_heads\": 8"), "vocab_size x dim", "more than one tensor holds");
    }

    @Test void theShapesAConfigImpliesAreTheBuiltModelsShapes() {
        for (BertConfig c : new BertConfig[]{new BertConfig("bert", 50, 16, 2, 2, 24, 20, 3, 1e-12, "gelu", 0.1, 0.1, 0, false),
                new BertConfig("distilbert", 50, 16, 2, 2, 24, 20, 0, 1e-12, "gelu", 0.1, 0.1, 0, false)}) {
            BertEncoder m = c.isDistilBert()
                    ? new DistilBert(c, new io.medualtime.tensor.Rng(1))
                    : new Bert(c, new io.medualtime.tensor.Rng(1));
            java.util.Map<String, int[]> implied = c.stateDictShapes();
            assertEquals(String.join(",", m.stateDict().keySet()), String.join(",", implied.keySet()));
            m.stateDict().forEach((k, t) -> assertArrayEquals(t.shape(), implied.get(k), k));
        }
    }
}
