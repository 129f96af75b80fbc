package io.medualtime.tensor.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Test checkpoints: copies of a file with some tensors edited, and huge sparse files that cost no disk. */
public final class TestCheckpoints {
    private TestCheckpoints() {}

    /**
     * Writes {@code dst} with every tensor of {@code src}, those named in {@code edits} passed
     * through their edit (as F32; integer tensors are copied as I64).
     */
    public static void copyWithEdits(Path src, Path dst, Map<String, UnaryOperator<float[]>> edits) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(src)) {
            for (String name : edits.keySet()) f.info(name);   // a typo in a test is an error, not a no-op
            for (String name : f.names()) {
                TensorInfo info = f.info(name);
                if (info.dtype().isFloatingPoint()) {
                    w.addFloat(name, edits.getOrDefault(name, UnaryOperator.identity()).apply(f.readFloat(name)), info.shape());
                } else {
                    int[] ints = f.readInt(name);
                    long[] longs = new long[ints.length];
                    for (int i = 0; i < ints.length; i++) longs[i] = ints[i];
                    w.addLong(name, longs, info.shape());
                }
            }
        }
        w.write(dst);
    }

    /** Sets element {@code index} of a copy of the values to {@code value}. */
    public static UnaryOperator<float[]> set(int index, float value) {
        return a -> {
            float[] c = a.clone();
            c[index] = value;
            return c;
        };
    }

    /** One tensor's bytes as the file stores them. */
    public record Raw(String dtype, long[] shape, byte[] data) {}

    /** A safetensors file of these tensors, in order, with a {@code __metadata__} map (may be empty). */
    public static void writeRaw(Path file, Map<String, Raw> tensors, Map<String, String> metadata) throws IOException {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        Map<String, String> dtypes = new java.util.LinkedHashMap<>();
        Map<String, Long> lengths = new java.util.LinkedHashMap<>();
        tensors.forEach((k, r) -> { shapes.put(k, r.shape()); dtypes.put(k, r.dtype()); lengths.put(k, (long) r.data().length); });
        byte[] header = header(shapes, dtypes, lengths, metadata);
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(lengthPrefix(header.length));
            out.write(header);
            for (Raw r : tensors.values()) out.write(r.data());
        }
    }

    /** BF16 bytes of the values (their top 16 bits, as truncating torch.bfloat16 would). */
    public static byte[] bf16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        return b.array();
    }

    /** F16 bytes of values that F16 holds exactly (normal numbers with 10 mantissa bits, or 0). */
    public static byte[] f16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            int bits = Float.floatToRawIntBits(v), sign = (bits >>> 16) & 0x8000, exp = ((bits >>> 23) & 0xFF) - 127 + 15;
            if (v == 0) { b.putShort((short) sign); continue; }
            if (exp <= 0 || exp >= 31 || (bits & 0x1FFF) != 0) throw new IllegalArgumentException(v + " is not exact in F16");
            b.putShort((short) (sign | exp << 10 | (bits >>> 13) & 0x3FF));
        }
        return b.array();
    }

    /**
     * A valid safetensors file of F32 tensors with these shapes, in order, whose data region is a
     * hole (zeros, no disk blocks): for tests of files far bigger than the heap.
     */
    public static void writeSparse(Path file, Map<String, long[]> shapes) throws IOException {
        Map<String, String> dtypes = new java.util.LinkedHashMap<>();
        Map<String, Long> lengths = new java.util.LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long bytes = Float.BYTES;
            for (long d : e.getValue()) bytes *= d;
            dtypes.put(e.getKey(), "F32");
            lengths.put(e.getKey(), bytes);
            total += bytes;
        }
        byte[] header = header(shapes, dtypes, lengths, Map.of());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(lengthPrefix(header.length));
            raf.write(header);
            raf.setLength(8 + header.length + total);
        }
    }

    private static byte[] header(Map<String, long[]> shapes, Map<String, String> dtypes, Map<String, Long> lengths,
            Map<String, String> metadata) throws IOException {
        ObjectNode header = SafetensorsFile.JSON.createObjectNode();
        if (!metadata.isEmpty()) metadata.forEach(header.putObject("__metadata__")::put);
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtypes.get(e.getKey()));
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue()) shape.add(d);
            long bytes = lengths.get(e.getKey());
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        return SafetensorsFile.JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] lengthPrefix(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }
}
