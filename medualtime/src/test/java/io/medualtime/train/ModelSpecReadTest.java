package io.medualtime.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.data.EcgClasses;
import io.medualtime.model.MedualTimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * run.json is read strictly: a null, missing or mistyped field, a size out of range, an unknown kind / mode / label /
 * text encoder or bad class names is one IOException line naming the file and the field, never a
 * NullPointerException later.
 */
class ModelSpecReadTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ModelSpec valid() {
        MedualTimeConfig cfg = MedualTimeConfig.defaults(5).withAdapterLayers(1).withSignal(12, 500).withTemEncWidth(4);
        return new ModelSpec("supervised", null, new ModelSpec.RandomLm(50257, 1024, 32, 1, 2, 0), "gpt2", null,
                ModelSpec.ModelConfig.of(cfg), "fine", EcgClasses.FINE, "dual", 0, null);
    }

    /** Each broken variant of a valid run.json and a word its error must contain (the field). */
    static Map<String, Consumer<ObjectNode>> broken() {
        Map<String, Consumer<ObjectNode>> m = new LinkedHashMap<>();
        m.put("'kind'", j -> j.putNull("kind"));
        m.put("'kind'", j -> j.put("kind", "bogus"));
        m.put("'model'", j -> j.putNull("model"));
        m.put("'classNames'", j -> j.putNull("classNames"));
        m.put("'label'", j -> j.putNull("label"));
        m.put("'label': unknown", j -> j.put("label", "bogus"));
        m.put("'mode'", j -> j.putNull("mode"));
        m.put("'mode': unknown", j -> j.put("mode", "bogus"));
        m.put("'textEncoder'", j -> j.putNull("textEncoder"));
        m.put("'bertFolder'", j -> j.put("textEncoder", "bert"));
        m.put("'seed': missing", j -> j.remove("seed"));
        m.put("'lmFolder'", j -> j.putNull("randomLm"));
        m.put("'model.steps': null", j -> ((ObjectNode) j.get("model")).putNull("steps"));
        m.put("'model.adapterLayers': expected an integer", j -> ((ObjectNode) j.get("model")).put("adapterLayers", "1"));
        m.put("'model.adapterTokens'", j -> ((ObjectNode) j.get("model")).put("adapterTokens", 1.5));
        m.put("'model': steps must be", j -> ((ObjectNode) j.get("model")).put("steps", 2_000_000_000));
        m.put("'model': adapterTokens must be", j -> ((ObjectNode) j.get("model")).put("adapterTokens", 0));
        m.put("'model': textEncoder", j -> ((ObjectNode) j.get("model")).put("textEncoder", "FOO"));
        m.put("'model': 2 adapter layers", j -> ((ObjectNode) j.get("model")).put("adapterLayers", 2));
        m.put("'model.classes'", j -> ((ObjectNode) j.get("model")).put("classes", 3_000_000_000L));
        m.put("'randomLm': width", j -> ((ObjectNode) j.get("randomLm")).put("width", 1_000_000_000));
        m.put("'randomLm': vocab", j -> ((ObjectNode) j.get("randomLm")).put("vocab", 2_000_000_000));
        m.put("'randomLm': layers", j -> ((ObjectNode) j.get("randomLm")).put("layers", 1_000_000));
        m.put("'randomLm': width (32) is not divisible by heads", j -> ((ObjectNode) j.get("randomLm")).put("heads", 3));
        m.put("'randomLm.positions'", j -> ((ObjectNode) j.get("randomLm")).putNull("positions"));
        m.put("'classNames[1]': \"NORM\" is repeated", j -> ((ArrayNode) j.get("classNames")).set(1, "NORM"));
        m.put("'classNames[0]': is empty", j -> ((ArrayNode) j.get("classNames")).set(0, ""));
        m.put("'classNames': has 4 names", j -> ((ArrayNode) j.get("classNames")).remove(4));
        m.put("'pins.lm'", j -> j.set("pins", JSON.createObjectNode().set("lm", JSON.createObjectNode().put("sha256", "xyz"))));
        return m;
    }

    @Test void everyBrokenFieldIsOneLineNamingTheFileAndTheField(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        valid().write(dir);
        ModelSpec.read(dir);   // the valid one reads
        String good = Files.readString(dir.resolve(ModelSpec.FILE));
        for (Map.Entry<String, Consumer<ObjectNode>> e : broken().entrySet()) {
            ObjectNode j = (ObjectNode) JSON.readTree(good);
            e.getValue().accept(j);
            Files.writeString(dir.resolve(ModelSpec.FILE), j.toString());
            IOException x = assertThrows(IOException.class, () -> ModelSpec.read(dir), e.getKey());
            String msg = x.getMessage();
            assertTrue(msg.startsWith(dir.resolve(ModelSpec.FILE).toString()), msg);
            assertTrue(msg.contains("field " + e.getKey()), e.getKey() + " -> " + msg);
            assertEquals(1, msg.lines().count(), msg);
        }
    }

    @Test void notJsonOrNotAnObjectIsOneLine(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        for (String text : new String[]{"null", "[]", "{\"kind\": ", "{} {}", "{\"kind\": \"a\", \"kind\": \"b\"}", "\u00ff"}) {
            Files.write(dir.resolve(ModelSpec.FILE), text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            IOException x = assertThrows(IOException.class, () -> ModelSpec.read(dir), text);
            assertTrue(x.getMessage().startsWith(dir.resolve(ModelSpec.FILE).toString()), x.getMessage());
            assertEquals(1, x.getMessage().lines().count(), x.getMessage());
        }
    }

    @Test void aRunJsonWithoutPinsOrTemEncWidthStillReads(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        valid().write(dir);
        ObjectNode j = (ObjectNode) JSON.readTree(dir.resolve(ModelSpec.FILE).toFile());
        j.remove("pins");
        ((ObjectNode) j.get("model")).remove("temEncWidth");
        Files.writeString(dir.resolve(ModelSpec.FILE), j.toString());
        ModelSpec s = ModelSpec.read(dir);
        assertNull(s.pins());
        assertEquals(MedualTimeConfig.TEMENC_WIDTH, s.model().toConfig().temEncWidth());
    }

    @Test void pinsRoundTrip(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Fingerprint f = new Fingerprint("ab".repeat(32), new java.util.TreeMap<>(Map.of("a.bin", "cd".repeat(32))));
        valid().withPins(new Pins(f, null, f, "/data", null)).write(dir);
        JsonNode pins = JSON.readTree(dir.resolve(ModelSpec.FILE).toFile()).get("pins");
        assertFalse(pins.has("unverified"), "a fresh run has nothing unverified: the field is left out");
        assertEquals(f, ModelSpec.read(dir).pins().lm());
    }

    @Test void medualTimeConfigBoundsItsSizes() {
        MedualTimeConfig ok = MedualTimeConfig.defaults(5);
        assertThrows(IllegalArgumentException.class, () -> ok.withAdapterLayers(MedualTimeConfig.MAX_ADAPTER_LAYERS + 1));
        assertThrows(IllegalArgumentException.class, () -> ok.withAdapterTokens(0));
        assertThrows(IllegalArgumentException.class, () -> ok.withSignal(12, MedualTimeConfig.MAX_STEPS + 1));
        assertThrows(IllegalArgumentException.class, () -> ok.withSignal(MedualTimeConfig.MAX_LEADS + 1, 1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ok.withTemEncWidth(1 << 20));
        assertTrue(e.getMessage().contains("temEncWidth"), e.getMessage());
    }
}
