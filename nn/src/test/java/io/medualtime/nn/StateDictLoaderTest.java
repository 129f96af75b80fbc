package io.medualtime.nn;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.io.FileStamp;
import io.medualtime.tensor.io.SafetensorsException;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsReader;
import io.medualtime.tensor.io.SafetensorsWriter;
import io.medualtime.tensor.io.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The header is checked against the model before any tensor data is read; the heap is checked before the model is built. */
class StateDictLoaderTest {
    @TempDir
    Path tmp;

    /** Counts data reads of a file. */
    static final class CountingReader implements SafetensorsReader {
        final SafetensorsFile f;
        int reads;
        CountingReader(SafetensorsFile f) { this.f = f; }
        @Override public Map<String, String> metadata() { return f.metadata(); }
        @Override public Set<String> names() { return f.names(); }
        @Override public TensorInfo info(String name) throws SafetensorsException { return f.info(name); }
        @Override public void readFloat(String n, long o, float[] d, int dOff, int c) throws SafetensorsException {
            reads++;
            f.readFloat(n, o, d, dOff, c);
        }
        @Override public FloatBuffer mapF32(String name) throws SafetensorsException { reads++; return f.mapF32(name); }
        @Override public int[] readInt(String name) throws SafetensorsException { reads++; return f.readInt(name); }
        @Override public List<FileStamp> files() { return f.files(); }
        @Override public String describe() { return f.describe(); }
        @Override public void close() throws IOException { f.close(); }
    }

    static final class Two extends Module {
        final Linear a = child("a", Linear.conv1D(2, 3, 0.02f, null));
        final LayerNorm b = child("b", new LayerNorm(3, 1e-5f));
    }

    private CountingReader file(SafetensorsWriter w) throws IOException {
        Path p = tmp.resolve("m.safetensors");
        w.write(p);
        return new CountingReader(SafetensorsFile.open(p));
    }

    private static StateDictLoader.Keys keys(SafetensorsReader st) {
        Map<String, String> k = new java.util.LinkedHashMap<>();
        for (String n : st.names()) k.put(n, n);
        return new StateDictLoader.Keys(k, "", "two layers", "Two");
    }

    private static SafetensorsWriter complete() {
        return new SafetensorsWriter().addFloat("a.weight", new float[6], 2, 3).addFloat("a.bias", new float[3], 3)
                .addFloat("b.weight", new float[]{1, 1, 1}, 3).addFloat("b.bias", new float[3], 3);
    }

    @Test void aWrongFileIsRefusedBeforeAnyDataIsRead() throws Exception {
        try (CountingReader st = file(complete().addFloat("extra.weight", new float[4], 4))) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> StateDictLoader.load(new Two(), st, keys(st), StateDictLoader.NEVER_MAP));
            assertTrue(e.getMessage().endsWith("unexpected tensors [extra.weight] (not part of Two with this config)"), e.getMessage());
            assertEquals(0, st.reads);
        }
        try (CountingReader st = file(new SafetensorsWriter().addFloat("a.weight", new float[6], 2, 3).addFloat("a.bias", new float[3], 3)
                .addFloat("b.weight", new float[4], 4).addFloat("b.bias", new float[3], 3))) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> StateDictLoader.load(new Two(), st, keys(st), StateDictLoader.NEVER_MAP));
            assertTrue(e.getMessage().contains("'b.weight' has shape [4] but config.json implies [3]"), e.getMessage());
            assertEquals(0, st.reads, "a.weight and a.bias come first but are not read either");
        }
        try (CountingReader st = file(new SafetensorsWriter().addFloat("a.weight", new float[6], 2, 3).addFloat("a.bias", new float[3], 3)
                .addLong("b.weight", new long[3], 3).addFloat("b.bias", new float[3], 3))) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> StateDictLoader.load(new Two(), st, keys(st), StateDictLoader.NEVER_MAP));
            assertTrue(e.getMessage().contains("'b.weight' has dtype I64; weights must be F32, F16, BF16 or F64"), e.getMessage());
            assertEquals(0, st.reads);
        }
        try (CountingReader st = file(complete())) {
            boolean[] built = {false};
            Two m = StateDictLoader.buildAndLoad(Map.of("a.weight", new int[]{2, 3}, "a.bias", new int[]{3}, "b.weight", new int[]{3},
                    "b.bias", new int[]{3}), () -> {
                        built[0] = true;
                        return new Two();
                    }, st, keys(st), StateDictLoader.NEVER_MAP);
            assertTrue(built[0]);
            assertEquals(4, st.reads);
            assertArrayEquals(new float[]{1, 1, 1}, m.b.weight.toArray());
        }
    }

    @Test void theHeapCheckSaysHowToRaiseTheLimit() throws Exception {
        StateDictLoader.requireHeap(4_000_000_000L, 4_000_000_000L, "gpt2-xl/model.safetensors", "GPT-2");
        ConfigException e = assertThrows(ConfigException.class,
                () -> StateDictLoader.requireHeap(6_200_000_000L, 4_294_967_296L, "gpt2-xl/model.safetensors", "GPT-2"));
        assertEquals("gpt2-xl/model.safetensors: the GPT-2 weights need 6.2 GB of heap but the JVM may use at most 4.3 GB; "
                + "raise the limit, e.g. MEDUALTIME_JAVA_OPTS=-Xmx10g bin/medualtime ... (java -Xmx10g)", e.getMessage());
    }
}
