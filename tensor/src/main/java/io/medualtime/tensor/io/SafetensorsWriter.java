package io.medualtime.tensor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes safetensors files (F32, I32, I64 tensors).
 *
 * <p>Layout as in the reference implementation: 8-byte little-endian header length, compact JSON
 * header ({@code __metadata__} first when present, then one {@code {"dtype","shape","data_offsets"}}
 * object per tensor) padded with ASCII spaces to a multiple of 8 bytes, then the tensors' little-endian
 * bytes back to back in the order they were added (the reference writer sorts by dtype then name;
 * the spec allows any order, and we keep the caller's).
 *
 * <p>{@link #write} is atomic: it streams into a temporary file in the target's folder, fsyncs it,
 * renames it over the target with {@link StandardCopyOption#ATOMIC_MOVE} and fsyncs the folder, so a
 * crash leaves either the old file or the complete new one, never a half-written checkpoint.
 *
 * <p>Arrays are not copied when added; do not modify them until {@code write} returns.
 */
public final class SafetensorsWriter {

    /** A float32 tensor for {@link #writeFloats}. */
    public record FloatTensor(float[] data, long[] shape) {
    }

    private record Entry(DType dtype, Object data, long[] shape, long numel) {
    }

    private static final int BUFFER = 1 << 20;

    private final LinkedHashMap<String, Entry> tensors = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();

    /** Convenience: writes float32 tensors in map order plus metadata (may be null or empty). */
    public static void writeFloats(Path file, LinkedHashMap<String, FloatTensor> tensors, Map<String, String> metadata)
            throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        if (metadata != null) metadata.forEach(w::putMetadata);
        tensors.forEach((name, t) -> w.addFloat(name, t.data(), t.shape()));
        w.write(file);
    }

    /** Adds a {@code __metadata__} entry (e.g. "format" -> "pt"). */
    public SafetensorsWriter putMetadata(String key, String value) {
        if (key == null || value == null) throw new IllegalArgumentException("metadata key and value must be non-null");
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter addFloat(String name, float[] data, long... shape) {
        return add(name, DType.F32, data, data.length, shape);
    }

    public SafetensorsWriter addInt(String name, int[] data, long... shape) {
        return add(name, DType.I32, data, data.length, shape);
    }

    public SafetensorsWriter addLong(String name, long[] data, long... shape) {
        return add(name, DType.I64, data, data.length, shape);
    }

    private SafetensorsWriter add(String name, DType dtype, Object data, int length, long[] shape) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor name must be non-empty");
        if (name.equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved, not a tensor name");
        if (tensors.containsKey(name)) throw new IllegalArgumentException("tensor '" + name + "' added twice");
        long numel = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            numel = Math.multiplyExact(numel, d);
        }
        if (numel != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " has " + numel
                    + " elements but the data array has " + length);
        }
        tensors.put(name, new Entry(dtype, data, shape.clone(), numel));
        return this;
    }

    /** The padded header bytes (without the 8-byte length prefix). */
    byte[] header() {
        ObjectNode root = SafetensorsFile.JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            Entry t = e.getValue();
            ObjectNode o = root.putObject(e.getKey());
            o.put("dtype", t.dtype().name());
            ArrayNode s = o.putArray("shape");
            for (long d : t.shape()) s.add(d);
            long bytes = t.numel() * t.dtype().size();
            ArrayNode off = o.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = SafetensorsFile.JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Writes the file atomically (temp file in the same folder, fsync, atomic rename, folder fsync). */
    public void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        byte[] header = header();
        AtomicFiles.cleanStale(dir);   // what a killed writer left behind
        Path tmp = AtomicFiles.newTempFile(abs);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(header.length);
                flush(ch, buf, 8);
                for (int i = 0; i < header.length;) {
                    int n = Math.min(buf.remaining(), header.length - i);
                    buf.put(header, i, n);
                    i += n;
                    flush(ch, buf, 1);
                }
                for (Entry t : tensors.values()) {
                    switch (t.dtype()) {
                        case F32 -> {
                            float[] a = (float[]) t.data();
                            for (float v : a) {
                                flush(ch, buf, 4);
                                buf.putFloat(v);
                            }
                        }
                        case I32 -> {
                            int[] a = (int[]) t.data();
                            for (int v : a) {
                                flush(ch, buf, 4);
                                buf.putInt(v);
                            }
                        }
                        case I64 -> {
                            long[] a = (long[]) t.data();
                            for (long v : a) {
                                flush(ch, buf, 8);
                                buf.putLong(v);
                            }
                        }
                        default -> throw new AssertionError(t.dtype());
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(abs + ": the file system does not support atomic rename; refusing a non-atomic write", e);
            }
            done = true;
            fsyncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Makes room for {@code need} bytes, writing the buffer out when it is too full. */
    private static void flush(FileChannel ch, ByteBuffer buf, int need) throws IOException {
        if (buf.remaining() >= need) return;
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on every platform (e.g. Windows); the rename itself is still atomic
        }
    }
}
