package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.medualtime.data.DatasetWriter;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The content of a frozen input, by SHA-256: a model folder (LM or BERT), a dataset folder, or weights generated
 * in memory (the random-init LM). {@code sha256} covers everything; {@code files} (name -> SHA-256, null for
 * generated weights) lets a mismatch name the file that changed.
 *
 * @param sha256 64 lower-case hex digits
 * @param files  the digest of each file, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Fingerprint(String sha256, SortedMap<String, String> files) {

    /** What a model folder's loaders read: config, weights (single or sharded) and tokenizer files. */
    static final List<String> MODEL_FILES = List.of("config.json", "vocab.json", "merges.txt", "vocab.txt", "tokenizer_config.json");

    public Fingerprint {
        if (!FileDigests.isSha256(sha256)) throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got " + sha256);
        if (files != null) {
            files = new TreeMap<>(files);
            for (Map.Entry<String, String> e : files.entrySet())
                if (e.getKey() == null || e.getKey().isEmpty() || !FileDigests.isSha256(e.getValue()))
                    throw new IllegalArgumentException("files." + e.getKey() + " must be 64 lower-case hex digits, got " + e.getValue());
        }
    }

    /**
     * A Hugging Face model folder: config.json, every {@code *.safetensors} and {@code *.safetensors.index.json},
     * and the tokenizer files (vocab.json, merges.txt, vocab.txt, tokenizer_config.json) present.
     */
    public static Fingerprint ofModelFolder(Path folder) throws IOException {
        TreeSet<String> names = new TreeSet<>(MODEL_FILES);
        try (Stream<Path> s = Files.list(folder)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json"))
                    .forEach(names::add);
        }
        return ofFiles(folder, names);
    }

    /** A dataset in the canonical format: dataset.json, records.csv, signals.f32. */
    public static Fingerprint ofDataset(Path folder) throws IOException {
        return ofFiles(folder, List.of(DatasetWriter.JSON, DatasetWriter.CSV, DatasetWriter.SIGNALS));
    }

    static Fingerprint ofFiles(Path folder, Iterable<String> names) throws IOException {
        TreeMap<String, String> files = FileDigests.sha256(folder, names);
        MessageDigest md = FileDigests.sha256();
        for (Map.Entry<String, String> e : files.entrySet())
            md.update((e.getKey() + '\0' + e.getValue() + '\n').getBytes(StandardCharsets.UTF_8));
        return new Fingerprint(HexFormat.of().formatHex(md.digest()), files);
    }

    /** Weights in memory: every state-dict entry's name, shape and float bits (little-endian), in order. */
    public static Fingerprint ofWeights(Module m) {
        MessageDigest md = FileDigests.sha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int per = buf.capacity() / Float.BYTES;
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            md.update((e.getKey() + '\0' + java.util.Arrays.toString(e.getValue().shape()) + '\n').getBytes(StandardCharsets.UTF_8));
            float[] v = e.getValue().toArray();
            for (int off = 0; off < v.length; off += per) {
                int n = Math.min(per, v.length - off);
                buf.clear();
                buf.asFloatBuffer().put(v, off, n);
                md.update(buf.limit(n * Float.BYTES));
            }
        }
        return new Fingerprint(HexFormat.of().formatHex(md.digest()), null);
    }

    /** What differs from {@code now}, e.g. "model.safetensors changed, vocab.txt added" (or "the weights differ"). */
    public String differences(Fingerprint now) {
        if (files == null || now.files == null) return "the weights differ";
        List<String> out = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(files.keySet());
        all.addAll(now.files.keySet());
        for (String f : all) {
            String a = files.get(f), b = now.files.get(f);
            if (a == null) out.add(f + " added");
            else if (b == null) out.add(f + " removed");
            else if (!a.equals(b)) out.add(f + " changed");
        }
        return out.isEmpty() ? "the content differs" : String.join(", ", out);
    }

    /** Whether both describe the same content. */
    public boolean sameAs(Fingerprint other) {
        return other != null && sha256.equals(other.sha256);
    }

    /** The first 12 hex digits, for log lines. */
    public String shortHash() { return sha256.substring(0, 12); }
}
