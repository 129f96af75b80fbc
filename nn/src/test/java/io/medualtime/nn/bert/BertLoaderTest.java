package io.medualtime.nn.bert;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/** Loader errors name the file and the tensor; key prefixes and task heads are handled. */
class BertLoaderTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) { return Fixtures.resource(BertLoaderTest.class, name); }

    /**
     * Copies a fixture folder's config.json to tmp and rewrites its model.safetensors through
     * {@code edit(name, tensor)}: return null to drop a tensor, or a (possibly reshaped) replacement.
     */
    private Path rewrite(String fixture, BiFunction<String, Tensor, Tensor> edit, String extraName) throws Exception {
        Path src = fixture(fixture);
        Files.copy(src.resolve("config.json"), tmp.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(src.resolve("model.safetensors"))) {
            for (String name : f.names().stream().sorted().toList()) {
                Tensor t = edit.apply(name, Tensor.of(f.readFloat(name), f.info(name).intShape()));
                if (t != null) w.addFloat(name, t.toArray(), Arrays.stream(t.shape()).asLongStream().toArray());
            }
        }
        if (extraName != null) w.addFloat(extraName, new float[]{1, 2}, 2);
        w.write(tmp.resolve("model.safetensors"));
        return tmp;
    }

    @Test void missingTensorNamesFileAndTensor() throws Exception {
        Path dir = rewrite("distilbert-tiny", (n, t) -> n.equals("transformer.layer.1.ffn.lin2.bias") ? null : t, null);
        ConfigException e = assertThrows(ConfigException.class, () -> BertLoader.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("'transformer.layer.1.ffn.lin2.bias' is missing"), e.getMessage());
    }

    @Test void wrongShapeNamesFileTensorAndBothShapes() throws Exception {
        Path dir = rewrite("distilbert-tiny", (n, t) -> n.equals("transformer.layer.0.ffn.lin1.weight") ? t.reshape(32, 64) : t, null);
        ConfigException e = assertThrows(ConfigException.class, () -> BertLoader.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains("model.safetensors") && m.contains("'transformer.layer.0.ffn.lin1.weight'")
                && m.contains("[32, 64]") && m.contains("[64, 32]"), m);
    }

    @Test void unexpectedTensorInABareModelIsAnError() throws Exception {
        Path dir = rewrite("distilbert-tiny", (n, t) -> t, "transformer.layer.2.ffn.lin1.bias");
        ConfigException e = assertThrows(ConfigException.class, () -> BertLoader.load(dir));
        assertTrue(e.getMessage().contains("unexpected tensors [transformer.layer.2.ffn.lin1.bias]"), e.getMessage());
    }

    @Test void prefixedBertMissingTensorShowsTheFileKey() throws Exception {
        Path dir = rewrite("bert-tiny", (n, t) -> n.equals("bert.encoder.layer.0.attention.self.key.weight") ? null : t, null);
        ConfigException e = assertThrows(ConfigException.class, () -> BertLoader.load(dir));
        assertTrue(e.getMessage().contains("'bert.encoder.layer.0.attention.self.key.weight' is missing"), e.getMessage());
    }

    @Test void prefixedDistilBertWithAnMlmHeadLoadsTheSameWeights() throws Exception {
        Path dir = rewrite("distilbert-tiny", (n, t) -> t, "vocab_projector.bias");
        // rename every tensor with the "distilbert." prefix (as DistilBertForMaskedLM saves them)
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (String name : f.names()) {
                String out = name.startsWith("vocab_") ? name : "distilbert." + name;
                w.addFloat(out, f.readFloat(name), Arrays.stream(f.info(name).intShape()).asLongStream().toArray());
            }
        }
        Path dir2 = Files.createDirectory(tmp.resolve("prefixed"));
        Files.copy(dir.resolve("config.json"), dir2.resolve("config.json"));
        w.write(dir2.resolve("model.safetensors"));
        BertEncoder a = BertLoader.load(fixture("distilbert-tiny")), b = BertLoader.load(dir2);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());
    }

    @Test void stateDictUsesHuggingFaceNames() {
        BertConfig tiny = new BertConfig("distilbert", 50, 16, 2, 2, 32, 20, 0, 1e-12, "gelu", 0.1, 0.1, 0, false);
        BertEncoder d = new DistilBert(tiny, new io.medualtime.tensor.Rng(1));
        assertTrue(d.stateDict().keySet().containsAll(java.util.List.of(
                "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.LayerNorm.bias",
                "transformer.layer.1.attention.q_lin.weight", "transformer.layer.1.attention.out_lin.bias",
                "transformer.layer.1.sa_layer_norm.weight", "transformer.layer.1.ffn.lin1.weight",
                "transformer.layer.1.ffn.lin2.bias", "transformer.layer.1.output_layer_norm.bias")));
        assertEquals(4 + 2 * 16, d.stateDict().size()); // embeddings: word, position, LayerNorm w+b; per layer 6 Linears + 2 LayerNorms
        assertThrows(IllegalArgumentException.class, () -> new Bert(tiny, new io.medualtime.tensor.Rng(1)));
    }

    @Test void nonFiniteWeightsAreRefusedNamingTheTensor() throws Exception {
        Path dir = rewrite("bert-tiny", (n, t) -> n.equals("bert.encoder.layer.1.output.dense.weight") ? t.mul(Float.POSITIVE_INFINITY) : t,
                null);
        io.medualtime.tensor.io.SafetensorsException e = assertThrows(io.medualtime.tensor.io.SafetensorsException.class,
                () -> BertLoader.load(dir));
        assertTrue(
                e.getMessage()
                        .startsWith(dir.resolve("model.safetensors")
                                + ": tensor 'bert.encoder.layer.1.output.dense.weight' holds a non-finite value: element "),
                e.getMessage());
    }

    @Test void loadedModelsAreInEvalMode() throws Exception {
        for (String f : new String[]{"bert-tiny", "distilbert-tiny"}) {
            BertEncoder m = BertLoader.load(fixture(f));
            assertFalse(m.isTraining(), f);
            for (EncoderLayer l : m.layers()) assertFalse(l.isTraining(), f);
            assertFalse(m.embeddings.isTraining(), f);
        }
    }
}
