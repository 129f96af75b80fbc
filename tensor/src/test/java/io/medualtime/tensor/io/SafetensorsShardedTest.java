package io.medualtime.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsShardedTest {

    @TempDir
    Path dir;

    private void twoShards() throws IOException {
        new SafetensorsWriter().putMetadata("format", "pt")
                .addFloat("wte.weight", new float[]{1, 2, 3, 4}, 2, 2)
                .addFloat("h.0.ln_1.weight", new float[]{5, 6}, 2)
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().putMetadata("format", "pt")
                .addFloat("h.1.ln_1.weight", new float[]{7, 8}, 2)
                .addLong("position_ids", new long[]{0, 1, 2}, 1, 3)
                .write(dir.resolve("model-00002-of-00002.safetensors"));
    }

    private void index(String weightMap) throws IOException {
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE),
                "{\"metadata\":{\"total_size\":56},\"weight_map\":{" + weightMap + "}}");
    }

    private static final String GOOD_MAP = "\"h.0.ln_1.weight\":\"model-00001-of-00002.safetensors\","
            + "\"h.1.ln_1.weight\":\"model-00002-of-00002.safetensors\","
            + "\"position_ids\":\"model-00002-of-00002.safetensors\","
            + "\"wte.weight\":\"model-00001-of-00002.safetensors\"";

    @Test void readsAcrossShards() throws IOException {
        twoShards();
        index(GOOD_MAP);
        try (ShardedSafetensors s = ShardedSafetensors.open(dir)) {
            assertEquals(List.of("h.0.ln_1.weight", "h.1.ln_1.weight", "position_ids", "wte.weight"), List.copyOf(s.names()));
            assertEquals(2, s.shards().size());
            assertEquals(Map.of("total_size", "56"), s.indexMetadata());
            assertEquals(Map.of("format", "pt"), s.metadata());
            assertArrayEquals(new float[]{1, 2, 3, 4}, s.readFloat("wte.weight"));
            assertArrayEquals(new float[]{7, 8}, s.readFloat("h.1.ln_1.weight"));
            assertArrayEquals(new int[]{0, 1, 2}, s.readInt("position_ids"));
            assertArrayEquals(new long[]{1, 3}, s.info("position_ids").shape());
            float[] dst = new float[3];
            s.readFloat("h.0.ln_1.weight", dst, 1);
            assertArrayEquals(new float[]{0, 5, 6}, dst);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> s.info("lm_head.weight"));
            assertTrue(e.getMessage().contains("'lm_head.weight'") && e.getMessage().contains(ShardedSafetensors.INDEX_FILE),
                    e.getMessage());
        }
        // the index file itself can be given
        try (ShardedSafetensors s = ShardedSafetensors.open(dir.resolve(ShardedSafetensors.INDEX_FILE))) {
            assertEquals(4, s.names().size());
        }
    }

    @Test void missingShardIsNamed() throws IOException {
        twoShards();
        index(GOOD_MAP + ",\"lm_head.weight\":\"model-00003-of-00002.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains("model-00003-of-00002.safetensors") && e.getMessage().contains("'lm_head.weight'")
                && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test void entryAbsentFromItsShardIsNamed() throws IOException {
        twoShards();
        index("\"wte.weight\":\"model-00002-of-00002.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains("'wte.weight'") && e.getMessage().contains("model-00002-of-00002.safetensors")
                && e.getMessage().contains("no such tensor"), e.getMessage());
    }

    @Test void pathTraversalAndBadIndex() throws IOException {
        twoShards();
        index("\"wte.weight\":\"../model-00001-of-00002.safetensors\"");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains("not a plain file name"), e.getMessage());
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE), "{\"metadata\":{}}");
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains("weight_map") && e.getMessage().contains(ShardedSafetensors.INDEX_FILE), e.getMessage());
        Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE), "{\"weight_map\":");
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test void singleFileFolderAndEmptyFolder() throws IOException {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("model.safetensors"), e.getMessage());
        new SafetensorsWriter().addFloat("a", new float[]{3}, 1).write(dir.resolve("model.safetensors"));
        try (ShardedSafetensors s = ShardedSafetensors.open(dir)) {
            assertEquals(List.of("a"), List.copyOf(s.names()));
            assertArrayEquals(new float[]{3}, s.readFloat("a"));
        }
    }

    @Test void anIndexBeyondItsSizeLimitOrNotUtf8IsRefusedBeforeItIsRead() throws IOException {
        Path index = dir.resolve(ShardedSafetensors.INDEX_FILE);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(index.toFile(), "rw")) {
            raf.setLength(ShardedSafetensors.MAX_INDEX_BYTES + 1);   // sparse: no disk, and never read
        }
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertTrue(e.getMessage().startsWith(index + ": " + (ShardedSafetensors.MAX_INDEX_BYTES + 1) + " bytes, more than the"),
                e.getMessage());
        Files.write(index, new byte[]{'{', (byte) 0xC3, '}'});
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(dir));
        assertEquals(index + ": not valid UTF-8", e.getMessage());
    }
}
