package io.medualtime.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    /** A safetensors file from a header string and raw data, built by hand from the spec. */
    static byte[] raw(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                case 8 -> b.putLong(v);
                default -> throw new IllegalArgumentException();
            }
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    /** Opening must fail with a message naming the file and containing every fragment. */
    void assertBad(Path p, String... fragments) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), () -> "message does not name the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message lacks '" + f + "': " + e.getMessage());
        }
    }

    static int bits(float f) {
        return Float.floatToRawIntBits(f);
    }

    // ---------------------------------------------------------------- writer / round trip

    @Test void writerProducesTheSpecLayoutByteForByte() throws IOException {
        Path p = dir.resolve("a.safetensors");
        new SafetensorsWriter().addFloat("a", new float[]{1.0f, -2.0f}, 2).write(p);
        // header {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes, padded with 2 spaces to 56
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        byte[] expected = concat(
                new byte[]{56, 0, 0, 0, 0, 0, 0, 0},
                header.getBytes(StandardCharsets.US_ASCII),
                new byte[]{0, 0, (byte) 0x80, 0x3F},           // 1.0f = 0x3F800000 little endian
                new byte[]{0, 0, 0, (byte) 0xC0});              // -2.0f = 0xC0000000
        assertArrayEquals(expected, Files.readAllBytes(p));
    }

    @Test void writerLayoutWithMetadataAndIntegers() throws IOException {
        Path p = dir.resolve("m.safetensors");
        new SafetensorsWriter().putMetadata("format", "pt")
                .addFloat("w", new float[]{0.5f, 0, 0, -0.0f}, 2, 2)
                .addLong("ids", new long[]{-1L}, 1)
                .write(p);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
        assertEquals(145, json.length());
        String header = json + "       "; // 145 + 7 = 152 = 19 * 8
        byte[] expected = concat(le(8, 152), header.getBytes(StandardCharsets.US_ASCII),
                le(4, 0x3F000000, 0, 0, 0x80000000L), le(8, -1L));
        assertArrayEquals(expected, Files.readAllBytes(p));
        assertEquals(0, (8 + 152) % 8);
    }

    @Test void roundTrip() throws IOException {
        Path p = dir.resolve("rt.safetensors");
        float[] w = new float[2 * 3 * 4];
        for (int i = 0; i < w.length; i++) w[i] = (i - 7) * 0.37f;
        w[3] = Float.NaN;
        w[4] = Float.NEGATIVE_INFINITY;
        w[5] = Float.MIN_VALUE;
        LinkedHashMap<String, SafetensorsWriter.FloatTensor> m = new LinkedHashMap<>();
        m.put("z.last.weight", new SafetensorsWriter.FloatTensor(w, new long[]{2, 3, 4}));
        m.put("a.scalar", new SafetensorsWriter.FloatTensor(new float[]{42f}, new long[]{}));
        m.put("empty", new SafetensorsWriter.FloatTensor(new float[0], new long[]{0, 5}));
        m.put("ünïcode.名前", new SafetensorsWriter.FloatTensor(new float[]{1, 2}, new long[]{2}));
        SafetensorsWriter.writeFloats(p, m, Map.of("format", "pt"));
        SafetensorsWriter extra = new SafetensorsWriter();

        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("z.last.weight", "a.scalar", "empty", "ünïcode.名前"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt"), f.metadata());
            TensorInfo ti = f.info("z.last.weight");
            assertEquals(DType.F32, ti.dtype());
            assertArrayEquals(new long[]{2, 3, 4}, ti.shape());
            assertEquals(24, ti.numel());
            assertEquals(0, ti.begin());
            assertEquals(96, ti.end());
            float[] back = f.readFloat("z.last.weight");
            for (int i = 0; i < w.length; i++) assertEquals(bits(w[i]), bits(back[i]), "element " + i);
            assertArrayEquals(new long[0], f.info("a.scalar").shape());
            assertEquals(1, f.info("a.scalar").numel());
            assertArrayEquals(new float[]{42f}, f.readFloat("a.scalar"));
            assertEquals(0, f.readFloat("empty").length);
            assertEquals(100, f.info("empty").begin());
            assertEquals(100, f.info("empty").end());
            assertArrayEquals(new float[]{1, 2}, f.readFloat("ünïcode.名前"));

            float[] dst = new float[30];
            f.readFloat("z.last.weight", dst, 5);
            assertEquals(bits(w[23]), bits(dst[28]));
            assertEquals(0f, dst[4]);
            float[] part = new float[3];
            f.readFloat("z.last.weight", 10, part, 0, 3);
            assertArrayEquals(new float[]{w[10], w[11], w[12]}, part);
        }
        assertNotNull(extra);
    }

    @Test void intRoundTripAndConversions() throws IOException {
        Path p = dir.resolve("ints.safetensors");
        new SafetensorsWriter()
                .addInt("i32", new int[]{Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}, 5)
                .addLong("i64", new long[]{Integer.MIN_VALUE, 3, Integer.MAX_VALUE}, 1, 3)
                .addLong("i64big", new long[]{5, 1L << 31}, 2)
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new int[]{Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}, f.readInt("i32"));
            assertArrayEquals(new int[]{Integer.MIN_VALUE, 3, Integer.MAX_VALUE}, f.readInt("i64"));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readInt("i64big"));
            assertTrue(e.getMessage().contains("'i64big'") && e.getMessage().contains("element 1")
                    && e.getMessage().contains("2147483648") && e.getMessage().contains(p.toString()), e.getMessage());
            SafetensorsException e2 = assertThrows(SafetensorsException.class, () -> f.readFloat("i32"));
            assertTrue(e2.getMessage().contains("'i32'") && e2.getMessage().contains("I32"), e2.getMessage());
        }
        // small integer types and BOOL, built by hand
        String h = "{\"u8\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[3,5]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[5,8]},"
                + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        Path q = file("small.safetensors", raw(h, concat(new byte[]{0, (byte) 200, (byte) 255}, new byte[]{(byte) -128, 127},
                new byte[]{1, 0, 1}, le(2, -32768, 300))));
        try (SafetensorsFile f = SafetensorsFile.open(q)) {
            assertArrayEquals(new int[]{0, 200, 255}, f.readInt("u8"));
            assertArrayEquals(new int[]{-128, 127}, f.readInt("i8"));
            assertArrayEquals(new int[]{1, 0, 1}, f.readInt("b"));
            assertArrayEquals(new int[]{-32768, 300}, f.readInt("i16"));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readFloat("u8"));
            assertTrue(e.getMessage().contains("U8"), e.getMessage());
        }
    }

    @Test void atomicWriteReplacesAndLeavesNoTempFiles() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        new SafetensorsWriter().addFloat("x", new float[]{1}, 1).write(p);
        new SafetensorsWriter().addFloat("y", new float[]{2, 3}, 2).write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("y"), List.copyOf(f.names()));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p), s.toList());
        }
        // a failing write (the target is a non-empty folder) leaves the target as it was and no temp file behind
        Path blocker = dir.resolve("blocked.safetensors");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> new SafetensorsWriter().addFloat("x", new float[]{1}, 1).write(blocker));
        assertTrue(Files.isDirectory(blocker));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "a temp file was left behind");
        }
    }

    @Test void writerRejectsBadInput() {
        SafetensorsWriter w = new SafetensorsWriter();
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("a", new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("a", new float[0], -1));
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("__metadata__", new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> w.addFloat("", new float[1], 1));
        w.addFloat("a", new float[1], 1);
        assertThrows(IllegalArgumentException.class, () -> w.addInt("a", new int[1], 1));
    }

    // ---------------------------------------------------------------- conversions

    @Test void f16AndBf16ConvertLikePytorch() throws IOException {
        // bit patterns and expected float32 bits computed by hand from IEEE 754 binary16 / bfloat16
        // (and cross-checked once, exhaustively for all 65536 patterns, against torch 1.13's .float())
        long[] f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0x3555, 0xFE01, 0x0000};
        int[] f16Expect = {
                0x3F800000, // 1.0
                0xC0000000, // -2.0
                0x477FE000, // 65504, the largest half
                0x33800000, // 2^-24, smallest subnormal
                0x387FC000, // 1023 * 2^-24, largest subnormal
                0x38800000, // 2^-14, smallest normal
                0x80000000, // -0.0
                0x7F800000, // +inf
                0xFF800000, // -inf
                0x7FC00000, // quiet NaN
                0x7FC02000, // signalling NaN: payload kept, made quiet
                0x3EAAA000, // 1365/4096 = 0.333251953125
                0xFFC02000, // negative NaN with payload
                0x00000000};
        long[] bf16 = {0x3F80, 0x4049, 0xFF80, 0x0001, 0x7FC0, 0x7F81, 0x8000};
        int[] bf16Expect = {0x3F800000, 0x40490000, 0xFF800000, 0x00010000, 0x7FC00000, 0x7F810000, 0x80000000};
        double[] f64 = {0.1, 1e300, 1e-50, 1 + 0x1p-24, 1 + 3 * 0x1p-24, -1e-46, 65504.0};
        int[] f64Expect = {
                0x3DCCCCCD, // nearest float to 0.1
                0x7F800000, // overflows to +inf
                0x00000000, // underflows to +0
                0x3F800000, // tie, rounds to even (1.0)
                0x3F800002, // tie, rounds to even (1 + 2^-22)
                0x80000000, // underflows to -0
                0x477FE000};
        int n16 = f16.length * 2, nb = bf16.length * 2, n64 = f64.length * 8;
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + f16.length + "],\"data_offsets\":[0," + n16 + "]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[" + bf16.length + "],\"data_offsets\":[" + n16 + "," + (n16 + nb) + "]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[" + f64.length + "],\"data_offsets\":[" + (n16 + nb) + "," + (n16 + nb + n64)
                + "]}}";
        ByteBuffer dd = ByteBuffer.allocate(n64).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : f64) dd.putDouble(d);
        Path p = file("half.safetensors", raw(h, concat(le(2, f16), le(2, bf16), dd.array())));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(DType.F16, f.info("h").dtype());
            float[] a = f.readFloat("h");
            for (int i = 0; i < f16.length; i++) {
                assertEquals(Integer.toHexString(f16Expect[i]), Integer.toHexString(bits(a[i])), "F16 0x" + Long.toHexString(f16[i]));
            }
            float[] b = f.readFloat("b");
            for (int i = 0; i < bf16.length; i++) {
                assertEquals(Integer.toHexString(bf16Expect[i]), Integer.toHexString(bits(b[i])), "BF16 0x" + Long.toHexString(bf16[i]));
            }
            float[] d = f.readFloat("d");
            for (int i = 0; i < f64.length; i++) {
                assertEquals(Integer.toHexString(f64Expect[i]), Integer.toHexString(bits(d[i])), "F64 " + f64[i]);
            }
        }
        assertEquals(5.9604645E-8f, HalfFloats.f16ToFloat((short) 1));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
    }

    // ---------------------------------------------------------------- malformed files

    static final String ONE = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    @Test void wellFormedUnpaddedHeaderIsAccepted() throws IOException {
        Path p = file("ok.safetensors", raw(ONE, le(4, 0x3F800000, 0x40000000)));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[]{1, 2}, f.readFloat("a"));
            assertEquals(8 + ONE.length(), f.dataStart());
        }
    }

    @Test void truncatedAndBadHeaderLength() throws IOException {
        assertBad(file("tiny.safetensors", new byte[]{1, 2, 3, 4, 5}), "5 bytes", "8-byte");
        assertBad(file("empty.safetensors", new byte[0]), "0 bytes");
        assertBad(file("huge.safetensors", concat(le(8, 200_000_000L), "{}".getBytes(StandardCharsets.US_ASCII))),
                "header length 200000000", "limit");
        assertBad(file("neg.safetensors", concat(le(8, -1L), "{}".getBytes(StandardCharsets.US_ASCII))),
                "18446744073709551615", "limit");
        assertBad(file("beyond.safetensors", concat(le(8, 100), "{\"a\":1}".getBytes(StandardCharsets.US_ASCII))),
                "header length 100", "beyond the end", "truncated");
        // the data region cut short: tensor out of range
        byte[] full = raw(ONE, le(4, 1, 2));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
        assertBad(file("cut.safetensors", cut), "tensor 'a'", "out of range", "5 bytes");
        assertBad(file("zero.safetensors", le(8, 0)), "too small");
    }

    @Test void badJson() throws IOException {
        assertBad(file("json.safetensors", raw("{\"a\": {\"dtype\": ", new byte[0])), "not valid JSON");
        assertBad(file("arr.safetensors", raw("[1,2,3]", new byte[0])), "does not start with '{'");
        assertBad(file("trail.safetensors", raw("{} {}", new byte[0])), "not valid JSON");
        assertBad(file("dup.safetensors", raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", new byte[0])), "not valid JSON", "Duplicate", "'a'");
        byte[] badUtf8 = concat(le(8, 4), new byte[]{'{', (byte) 0xC3, (byte) 0x28, '}'});
        assertBad(file("utf8.safetensors", badUtf8), "UTF-8");
        assertBad(file("meta.safetensors", raw("{\"__metadata__\":{\"n\":5}}", new byte[0])), "__metadata__", "'n'", "not a string");
        assertBad(file("meta2.safetensors", raw("{\"__metadata__\":[1]}", new byte[0])), "__metadata__");
    }

    @Test void badEntries() throws IOException {
        assertBad(file("e1.safetensors", raw("{\"w\":5}", new byte[0])), "tensor 'w'", "not a JSON object");
        assertBad(file("e2.safetensors", raw("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1])),
                "tensor 'w'", "unsupported dtype \"F8_E4M3\"");
        assertBad(file("e3.safetensors", raw("{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w'", "unsupported dtype \"f32\"");
        assertBad(file("e4.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w'", "shape[1]", "negative");
        assertBad(file("e5.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w'", "shape[0]", "not an integer");
        assertBad(file("e6.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])),
                "tensor 'w'", "12 bytes", "span 8 bytes");
        assertBad(file("e7.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8])),
                "tensor 'w'", "end before begin");
        assertBad(file("e8.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])),
                "tensor 'w'", "data_offsets");
        assertBad(file("e9.safetensors", raw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w'", "dtype");
        assertBad(
                file("e10.safetensors",
                        raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904, 4],\"data_offsets\":[0,4]}}", new byte[4])),
                "tensor 'w'", "2^63");
        assertBad(
                file("e11.safetensors",
                        raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", new byte[4])),
                "tensor 'w'", "out of range");
        assertBad(file("e12.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4])),
                "tensor 'w'", "data_offsets");
        assertBad(file("e13.safetensors", raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[4])),
                "tensor 'w'", "out of range");
    }

    @Test void overlapsHolesAndTrailingBytes() throws IOException {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertBad(file("overlap.safetensors", raw(overlap, new byte[12])), "'b'", "overlap", "'a'");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertBad(file("alias.safetensors", raw(same, new byte[4])), "overlap");
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertBad(file("hole.safetensors", raw(hole, new byte[12])), "tensor 'b'", "hole [4, 8)", "'a'");
        String lead = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertBad(file("lead.safetensors", raw(lead, new byte[8])), "tensor 'b'", "hole [0, 4)");
        assertBad(file("trailing.safetensors", raw(ONE, new byte[12])), "12 bytes", "only 8", "'a'", "trailing");
        assertBad(file("nothing.safetensors", raw("{}", new byte[3])), "3 bytes", "trailing");
        // tensors listed out of offset order are fine, as are zero-sized tensors sharing an offset
        String shuffled = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"e1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"e2\":{\"dtype\":\"I64\",\"shape\":[3,0],\"data_offsets\":[4,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        try (SafetensorsFile f = SafetensorsFile.open(file("shuffled.safetensors", raw(shuffled, le(4, 0x3F800000, 0x40000000))))) {
            assertEquals(List.of("b", "e1", "e2", "a"), List.copyOf(f.names()));
            assertArrayEquals(new float[]{2}, f.readFloat("b"));
            assertArrayEquals(new float[]{1}, f.readFloat("a"));
            assertEquals(0, f.readInt("e2").length);
        }
    }

    @Test void readErrors() throws IOException {
        Path p = file("r.safetensors", raw(ONE, le(4, 0x3F800000, 0x40000000)));
        SafetensorsFile f = SafetensorsFile.open(p);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.info("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains(p.toString()), e.getMessage());
        assertThrows(SafetensorsException.class, () -> f.readFloat("a", 1, new float[2], 0, 2));
        assertThrows(SafetensorsException.class, () -> f.readFloat("a", -1, new float[2], 0, 1));
        assertThrows(SafetensorsException.class, () -> f.readFloat("a", new float[2], 1));
        assertThrows(SafetensorsException.class, () -> f.readInt("a"));
        f.close();
        SafetensorsException c = assertThrows(SafetensorsException.class, () -> f.readFloat("a"));
        assertTrue(c.getMessage().contains("closed"), c.getMessage());
        SafetensorsException m = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(dir.resolve("missing.safetensors")));
        assertTrue(m.getMessage().contains("missing.safetensors"), m.getMessage());
    }

    // ---------------------------------------------------------------- windowed mapping

    @Test void smallWindowsGiveTheSameAnswers() throws IOException {
        // an odd-sized U8 tensor first, so the float tensors start at unaligned offsets
        float[] big = new float[37];
        for (int i = 0; i < big.length; i++) big[i] = i * 1.5f - 10;
        ByteBuffer fb = ByteBuffer.allocate(big.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : big) fb.putFloat(v);
        long[] halves = new long[19];
        for (int i = 0; i < halves.length; i++) halves[i] = 0x3C00 + i * 0x80; // 1.0, 1.125, ...
        long[] ids = {1, -2, 3, 1L << 30, 5, 6, 7};
        int u = 3, fbytes = big.length * 4, hbytes = halves.length * 2, ib = ids.length * 8;
        String h = "{\"u\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[37],\"data_offsets\":[3," + (u + fbytes) + "]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[19],\"data_offsets\":[" + (u + fbytes) + "," + (u + fbytes + hbytes) + "]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[7],\"data_offsets\":[" + (u + fbytes + hbytes) + "," + (u + fbytes + hbytes + ib)
                + "]}}";
        Path p = file("win.safetensors", raw(h, concat(new byte[]{9, 8, 7}, fb.array(), le(2, halves), le(8, ids))));
        float[] hExpect = new float[halves.length];
        for (int i = 0; i < halves.length; i++) hExpect[i] = HalfFloats.f16ToFloat((short) halves[i]);
        for (int window : new int[]{8, 16, 24, 64, SafetensorsFile.DEFAULT_WINDOW}) {
            try (SafetensorsFile f = SafetensorsFile.open(p, window)) {
                assertArrayEquals(big, f.readFloat("f"), "window " + window);
                assertArrayEquals(hExpect, f.readFloat("h"), "window " + window);
                assertArrayEquals(new int[]{1, -2, 3, 1 << 30, 5, 6, 7}, f.readInt("i"), "window " + window);
                assertArrayEquals(new int[]{9, 8, 7}, f.readInt("u"));
                float[] part = new float[11];
                f.readFloat("f", 13, part, 0, 11);
                for (int i = 0; i < 11; i++) assertEquals(big[13 + i], part[i]);
                float[] shifted = new float[14];
                f.readFloat("f", 13, shifted, 3, 11);
                for (int i = 0; i < 11; i++) assertEquals(big[13 + i], shifted[3 + i], "window " + window + ", destination offset 3");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(p, 12));
    }

    @Test void tensorLargerThan2GiBInASparseFile() throws IOException {
        long n = 600_000_000L; // 2.4e9 bytes of F32, past the 2 GiB MappedByteBuffer limit
        String h = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":[0," + (4 * n) + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + (4 * n) + "," + (4 * n + 8) + "]}}";
        byte[] hb = h.getBytes(StandardCharsets.US_ASCII);
        long dataStart = 8 + hb.length;
        Path p = dir.resolve("sparse.safetensors");
        long cross = (1L << 31) / 4; // element whose first byte is data byte 2^31
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(dataStart + 4 * n + 8); // sparse: nothing but these writes hits the disk
            raf.write(le(8, hb.length));
            raf.write(hb);
            raf.seek(dataStart + 4 * (cross - 2));
            raf.write(le(4, bits(1f), bits(2f), bits(3f), bits(4f)));
            raf.seek(dataStart + 4 * (n - 1));
            raf.write(le(4, bits(-7f), bits(0.25f), bits(0.5f)));
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            TensorInfo ti = f.info("big");
            assertEquals(n, ti.numel());
            assertEquals(4 * n, ti.byteSize());
            float[] dst = new float[6];
            f.readFloat("big", cross - 3, dst, 0, 6);
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 0}, dst);
            float[] last = new float[1];
            f.readFloat("big", n - 1, last, 0, 1);
            assertEquals(-7f, last[0]);
            assertArrayEquals(new float[]{0.25f, 0.5f}, f.readFloat("tail"));
        }
        // the same across small windows, including a read that spans window boundaries
        try (SafetensorsFile f = SafetensorsFile.open(p, 8)) {
            float[] dst = new float[6];
            f.readFloat("big", cross - 3, dst, 0, 6);
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 0}, dst);
        }
    }

    // ---------------------------------------------------------------- an independently written file

    @Test void readsThePythonWrittenFixture() throws Exception {
        var url = SafetensorsTest.class.getResource("/fixtures/ops.safetensors");
        if (url == null) return; // fixture owned by another module's tests; nothing to check without it
        Path p = Path.of(url.toURI());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertFalse(f.names().isEmpty());
            long covered = 0;
            for (String name : f.names()) {
                TensorInfo ti = f.info(name);
                covered += ti.byteSize();
                if (ti.dtype().isFloatingPoint()) {
                    float[] v = f.readFloat(name);
                    assertEquals(ti.numel(), v.length, name);
                } else {
                    assertEquals(ti.numel(), f.readInt(name).length, name);
                }
            }
            assertEquals(f.fileSize() - f.dataStart(), covered);
        }
    }

    @Test void validInputsStillLoad_halfPrecisionUnicodeNamesAndABigHeader() throws IOException {
        float[] values = {0.5f, -1.25f, 3f, 1024f, 0f, -0.0009765625f};
        Map<String, TestCheckpoints.Raw> tensors = new java.util.LinkedHashMap<>();
        tensors.put("encoder.größe.重み", new TestCheckpoints.Raw("F16", new long[]{2, 3}, TestCheckpoints.f16(values)));
        tensors.put("emoji.\uD83D\uDE00.bias", new TestCheckpoints.Raw("BF16", new long[]{6}, TestCheckpoints.bf16(values)));
        String longName = "layer.".repeat(12_000) + "weight";   // a 72,006-character name
        tensors.put(longName, new TestCheckpoints.Raw("F32", new long[]{0}, new byte[0]));
        String big = "x".repeat(30_000_000);   // a 30 MB header, under the 100 MB limit
        Path p = dir.resolve("valid.safetensors");
        TestCheckpoints.writeRaw(p, tensors, Map.of("notes", big, "schlüssel", "wert"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertTrue(f.dataStart() > 30_000_000);
            assertEquals("wert", f.metadata().get("schlüssel"));
            assertArrayEquals(values, f.readFloat("encoder.größe.重み"));
            assertArrayEquals(values, f.readFloat("emoji.\uD83D\uDE00.bias"));   // each exact in BF16 too
            assertArrayEquals(new long[]{2, 3}, f.info("encoder.größe.重み").shape());
            assertEquals(0, f.info(longName).numel());
        }
    }
}
