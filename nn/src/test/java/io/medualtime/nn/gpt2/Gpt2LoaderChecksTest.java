package io.medualtime.nn.gpt2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.nn.Module;
import io.medualtime.nn.config.ConfigException;
import io.medualtime.nn.config.ConfigFields;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.io.SafetensorsException;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.TestCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What Gpt2Loader checks before it allocates (config sizes, the header's shapes, the heap), what it
 * checks while it reads (finite weights) and after (the mapped file unchanged), and that it returns
 * models in eval mode.
 */
class Gpt2LoaderChecksTest {
    @TempDir
    Path tmp;

    static Path tiny() { return Fixtures.resource(Gpt2LoaderChecksTest.class, "gpt2-tiny"); }

    /** The tiny fixture with config.json fields replaced and tensors edited. */
    Path folder(Map<String, Object> config, Map<String, UnaryOperator<float[]>> edits) throws IOException {
        ObjectNode c = (ObjectNode) ConfigFields.JSON.readTree(tiny().resolve("config.json").toFile());
        config.forEach((k, v) -> c.set(k, ConfigFields.JSON.valueToTree(v)));
        Files.writeString(tmp.resolve("config.json"), ConfigFields.JSON.writeValueAsString(c));
        TestCheckpoints.copyWithEdits(tiny().resolve("model.safetensors"), tmp.resolve("model.safetensors"), edits);
        return tmp;
    }

    static void assertOneLine(Exception e, String... fragments) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }

    @Test void sizesBeyondTheLimitsAreRefusedFromConfigJson() throws Exception {
        Object[][] cases = {{"n_positions", 1_000_000_000}, {"n_positions", 60_000_000}, {"vocab_size", 2_000_000_000},
                {"n_inner", 2_000_000_000}, {"n_layer", 1_000_000}, {"n_embd", 1_000_000}, {"n_head", 4096}};
        for (Object[] c : cases) {
            Path dir = folder(Map.of((String) c[0], c[1]), Map.of());
            ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Loader.load(dir), c[0] + " = " + c[1]);
            assertOneLine(e, dir.resolve("config.json").toString(), "\"" + c[0] + "\" = " + c[1], "exceeds the supported maximum");
        }
        // each within its limit, but the embedding they imply is more than one tensor holds
        Path dir = folder(Map.of("vocab_size", 1_000_000, "n_embd", 4096), Map.of());
        assertOneLine(assertThrows(ConfigException.class, () -> Gpt2Loader.load(dir)), "vocab_size x n_embd", "more than one tensor holds");
    }

    @Test void configThatDisagreesWithTheWeightsIsFoundInTheHeaderBeforeTheModelIsBuilt() throws Exception {
        // building this model would take 14 GB; the header says the file holds a 32-wide one
        Path wide = folder(Map.of("n_embd", 8192, "n_layer", 4), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Loader.load(wide));
        assertOneLine(e, "model.safetensors", "'transformer.wte.weight' has shape [50257, 32] but config.json implies [50257, 8192]");
        Path deep = folder(Map.of("n_layer", 1000), Map.of());
        e = assertThrows(ConfigException.class, () -> Gpt2Loader.load(deep));
        assertOneLine(e, "tensor 'h.2.ln_1.weight' is missing (config.json describes 1000 layers of width 32)");
    }

    @Test void weightsBeyondTheHeapAreRefusedSayingHowToRaiseIt() throws Exception {
        long max = Runtime.getRuntime().maxMemory();
        assumeTrue(max < 8_000_000_000L, "needs a heap below 8 GB (the test JVM has -Xmx6g)");
        // an 8.5 GB token embedding (a sparse file: no disk, never read); 8.8 GB of weights in all, 8.6 GB of them not mappable
        Gpt2Config cfg = Gpt2Config.of(1_048_000, 8, 2040, 1, 8);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        cfg.stateDictShapes().forEach((k, s) -> shapes.put(k, Arrays.stream(s).asLongStream().toArray()));
        TestCheckpoints.writeSparse(tmp.resolve("model.safetensors"), shapes);
        cfg.save(tmp);
        for (boolean mapped : new boolean[]{false, true}) {   // too big to map (over 1 GiB): on the heap either way
            ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Loader.load(tmp, mapped));
            assertOneLine(e, tmp.resolve("model.safetensors").toString(),
                    mapped ? "the GPT-2 weights need 8.6 GB of heap" : "the GPT-2 weights need 8.8 GB of heap",
                    "MEDUALTIME_JAVA_OPTS=-Xmx", "java -Xmx");
        }
    }

    @Test void nonFiniteWeightsAreRefusedNamingTheTensorHeapOrMapped() throws Exception {
        Path nan = folder(Map.of(), Map.of("transformer.h.1.mlp.c_fc.weight", TestCheckpoints.set(17, Float.NaN)));
        for (long mapMin : new long[]{Long.MAX_VALUE, 0L}) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> Gpt2Loader.load(nan, mapMin));
            assertOneLine(e, nan.resolve("model.safetensors")
                    + ": tensor 'transformer.h.1.mlp.c_fc.weight' holds a non-finite value: element 17 is NaN");
        }
        Path inf = folder(Map.of(), Map.of("transformer.wte.weight", TestCheckpoints.set(50256 * 32 + 3, Float.NEGATIVE_INFINITY)));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Gpt2Loader.load(inf, true));
        assertOneLine(e, "'transformer.wte.weight'", "element " + (50256 * 32 + 3) + " is -Infinity");
    }

    @Test void loadedModelsAreInEvalModeSoTheJavadocSnippetGivesTheModelsLogits() throws Exception {
        Path dir = folder(Map.of("embd_pdrop", 0.1, "attn_pdrop", 0.1, "resid_pdrop", 0.1), Map.of());
        int[] ids = {464, 2068, 7586, 21831};
        Gpt2 reference = Gpt2Loader.load(tiny());   // dropout 0: its logits are the model's
        for (Gpt2 lm : new Gpt2[]{Gpt2Loader.load(dir), Gpt2Loader.load(dir, true)}) {
            assertAllEval(lm);
            try (GradMode g = GradMode.noGrad()) {
                assertArrayEquals(reference.logits(reference.hidden(ids, null, 1, 4, null)).toArray(),
                        lm.logits(lm.hidden(ids, null, 1, 4, null)).toArray());
            }
            lm.train(true);   // training is asked for explicitly, and reaches every layer
            assertTrue(lm.h.get(1).attn.isTraining());
        }
    }

    static void assertAllEval(Module m) throws Exception {
        assertFalse(m.isTraining());
        if (m instanceof Gpt2 g) for (Gpt2.Block b : g.h) { assertFalse(b.isTraining()); assertFalse(b.attn.isTraining()); }
    }

    @Test void theShapesAConfigImpliesAreTheBuiltModelsShapes() {
        Gpt2Config cfg = new Gpt2Config("gpt2", 61, 24, 16, 3, 4, 40, 1e-5, "gelu_new", 0, 0, 0, 0, 0, true, false, false, true);
        Map<String, int[]> built = new LinkedHashMap<>();
        new Gpt2(cfg, new Rng(1), false).stateDict().forEach((k, t) -> built.put(k, t.shape()));
        Map<String, int[]> implied = cfg.stateDictShapes();
        assertEquals(String.join(",", built.keySet()), String.join(",", implied.keySet()));
        built.forEach((k, s) -> assertArrayEquals(s, implied.get(k), k));
    }

    @Test void aMappedWeightsFileRewrittenInPlaceIsDetected() throws Exception {
        Path dir = folder(Map.of(), Map.of());
        Path file = dir.resolve("model.safetensors");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));   // any rewrite below gets a later time
        Gpt2 mapped = Gpt2Loader.load(dir, 0L), heap = Gpt2Loader.load(dir);
        mapped.checkMappedWeights();
        long wte;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            wte = f.dataStart() + f.info("transformer.wte.weight").begin();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{0, 0, (byte) 0x80, 0x3f}), wte);   // wte[0][0] = 1.0 under the running model
        }
        assertEquals(1f, mapped.wte.weight.get(0, 0), "the mapped weight did change");
        SafetensorsException e = assertThrows(SafetensorsException.class, mapped::checkMappedWeights);
        assertOneLine(e, file + ": changed on disk since the model was loaded", "load it again");
        heap.checkMappedWeights();   // heap weights are the model's own copy
    }
}
