package io.medualtime.tensor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face checkpoint that may be split into shards: either a folder with
 * {@code model.safetensors.index.json} ({@code {"metadata": {...}, "weight_map": {tensor: shard file}}})
 * or a folder with a single {@code model.safetensors}. One lookup API across all shards.
 *
 * <p>All shards are opened (and validated) by {@link #open}; every weight_map entry must exist in its
 * shard, shard names must be plain file names inside the folder (no path traversal). Tensors present
 * in a shard but absent from the weight_map are not exposed, as in transformers.
 */
public final class ShardedSafetensors implements SafetensorsReader {

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";
    /** Largest index file read (a real one is well under 1 MB: one line per tensor). */
    public static final long MAX_INDEX_BYTES = 64L << 20;

    private final Path source;
    private final Map<String, SafetensorsFile> byTensor;
    private final Map<String, SafetensorsFile> shards; // shard file name -> open file
    private final Map<String, String> indexMetadata;

    private ShardedSafetensors(Path source, Map<String, SafetensorsFile> byTensor, Map<String, SafetensorsFile> shards,
            Map<String, String> indexMetadata) {
        this.source = source;
        this.byTensor = Collections.unmodifiableMap(byTensor);
        this.shards = Collections.unmodifiableMap(shards);
        this.indexMetadata = Collections.unmodifiableMap(indexMetadata);
    }

    /**
     * Opens a model folder (index file preferred over a single model.safetensors), an index JSON file,
     * or a single .safetensors file.
     */
    public static ShardedSafetensors open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) return openIndex(index, SafetensorsFile.DEFAULT_WINDOW);
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) return openSingle(single, SafetensorsFile.DEFAULT_WINDOW);
            throw new SafetensorsException(path + ": folder has neither " + INDEX_FILE + " nor " + SINGLE_FILE);
        }
        if (!Files.exists(path)) {
            throw new SafetensorsException(path + ": no such file or folder");
        }
        if (path.getFileName().toString().endsWith(".json")) return openIndex(path, SafetensorsFile.DEFAULT_WINDOW);
        return openSingle(path, SafetensorsFile.DEFAULT_WINDOW);
    }

    private static ShardedSafetensors openSingle(Path file, int window) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file, window);
        Map<String, SafetensorsFile> by = new LinkedHashMap<>();
        for (String n : f.names()) by.put(n, f);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        shards.put(file.getFileName().toString(), f);
        return new ShardedSafetensors(file, by, shards, Map.of());
    }

    static ShardedSafetensors openIndex(Path index, int window) throws IOException {
        if (!Files.isRegularFile(index)) throw new SafetensorsException(index + ": not a regular file");
        long size = Files.size(index);
        if (size > MAX_INDEX_BYTES) {
            throw new SafetensorsException(index + ": " + size + " bytes, more than the " + MAX_INDEX_BYTES
                    + "-byte limit for a shard index (corrupt file or not an index)");
        }
        JsonNode root;
        try {
            root = SafetensorsFile.JSON.readTree(Files.readString(index));
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(index + ": not valid UTF-8", e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(index + ": not a JSON object");
        }
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new SafetensorsException(index + ": missing \"weight_map\" object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = root.get("metadata");
        if (m != null && m.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> by = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw new SafetensorsException(index + ": weight_map entry '" + tensor + "' is not a file name string");
                }
                String shardName = e.getValue().textValue();
                Path shardPath = dir.resolve(shardName).normalize();
                if (shardName.isEmpty() || !dir.equals(shardPath.getParent())) {
                    throw new SafetensorsException(index + ": weight_map entry '" + tensor + "' names shard '" + shardName
                            + "', which is not a plain file name in " + dir);
                }
                SafetensorsFile shard = shards.get(shardName);
                if (shard == null) {
                    if (!Files.isRegularFile(shardPath)) {
                        throw new SafetensorsException(index + ": shard '" + shardName + "' (holding tensor '" + tensor
                                + "') is missing: " + shardPath);
                    }
                    shard = SafetensorsFile.open(shardPath, window);
                    shards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw new SafetensorsException(index + ": weight_map says tensor '" + tensor + "' is in shard "
                            + shardPath + ", but that shard has no such tensor");
                }
                by.put(tensor, shard);
            }
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile f : shards.values()) {
                try {
                    f.close();
                } catch (IOException s) {
                    e.addSuppressed(s);
                }
            }
            throw e;
        }
        return new ShardedSafetensors(index, by, shards, meta);
    }

    /** The index file or single file this was opened from. */
    public Path source() {
        return source;
    }

    /** The open shards by file name, in first-use order. */
    public Map<String, SafetensorsFile> shards() {
        return shards;
    }

    /** The index's "metadata" object, values as strings (e.g. total_size); empty for a single file. */
    public Map<String, String> indexMetadata() {
        return indexMetadata;
    }

    /** The {@code __metadata__} of the first shard (e.g. {"format": "pt"}). */
    @Override public Map<String, String> metadata() {
        return shards.isEmpty() ? Map.of() : shards.values().iterator().next().metadata();
    }

    @Override public Set<String> names() {
        return byTensor.keySet();
    }

    @Override public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    private SafetensorsFile shardOf(String name) throws SafetensorsException {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new SafetensorsException(source + ": no tensor named '" + name + "' (" + byTensor.size() + " tensors in "
                    + shards.size() + " shard(s))");
        }
        return f;
    }

    @Override public TensorInfo info(String name) throws SafetensorsException {
        return shardOf(name).info(name);
    }

    @Override public void readFloat(String name, long elementOffset, float[] dst, int dstOffset, int count) throws SafetensorsException {
        shardOf(name).readFloat(name, elementOffset, dst, dstOffset, count);
    }

    @Override public java.nio.FloatBuffer mapF32(String name) throws SafetensorsException {
        return shardOf(name).mapF32(name);
    }

    @Override public int[] readInt(String name) throws SafetensorsException {
        return shardOf(name).readInt(name);
    }

    @Override public List<FileStamp> files() {
        List<FileStamp> out = new ArrayList<>();
        for (SafetensorsFile f : shards.values()) out.add(f.stamp());
        return out;
    }

    @Override public String describe() {
        return source.toString();
    }

    @Override public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : shards.values()) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
