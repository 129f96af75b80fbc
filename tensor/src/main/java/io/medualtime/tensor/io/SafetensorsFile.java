package io.medualtime.tensor.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A memory-mapped <a href="https://github.com/huggingface/safetensors">safetensors</a> file.
 *
 * <p>Layout: 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON (an object mapping
 * tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} string map), then the data region; offsets are relative to the data region.
 *
 * <p>Data is never read into the heap wholesale: each read maps the bytes it needs with
 * {@link FileChannel#map} in windows of at most {@value #DEFAULT_WINDOW} bytes, so files and single
 * tensors larger than 2 GB work (use the range form of {@code readFloat} for tensors with more than
 * {@code Integer.MAX_VALUE} elements).
 *
 * <p>Validation at {@link #open} follows the reference Rust implementation
 * ({@code Metadata::validate}): header length at most 100 MB and within the file, valid UTF-8 JSON
 * object starting with '{', no duplicate keys, known dtype, non-negative integral shape and offsets,
 * {@code numel * dtype size == end - begin}, and the tensors, sorted by offset, must tile the data
 * region exactly: starting at 0, no overlaps, no holes, no trailing bytes. (The spec text does not
 * spell out the no-holes rule, but the reference library rejects such files with
 * {@code InvalidOffset}/{@code MetadataIncompleteBuffer}, and we do the same.) Every failure is a
 * {@link SafetensorsException} naming the file and the tensor.
 *
 * <p>Instances are safe for concurrent reads.
 */
public final class SafetensorsFile implements SafetensorsReader {

    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Default mapping window (1 GiB; must stay below 2 GiB, the MappedByteBuffer limit). */
    static final int DEFAULT_WINDOW = 1 << 30;

    /** Jackson's default caps (20 M-char strings, 50 k-char names) would refuse valid headers: the header's own limit applies. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength((int) MAX_HEADER_BYTES).maxNameLength((int) MAX_HEADER_BYTES).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final long dataStart;
    private final long dataLength;
    private final int window;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final FileStamp stamp;

    private SafetensorsFile(Path file, FileChannel channel, long fileSize, long dataStart, int window,
            Map<String, TensorInfo> tensors, Map<String, String> metadata, FileStamp stamp) {
        this.file = file;
        this.stamp = stamp;
        this.channel = channel;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.dataLength = fileSize - dataStart;
        this.window = window;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens and validates a safetensors file; the header is parsed, data stays on disk until read. */
    public static SafetensorsFile open(Path file) throws IOException {
        return open(file, DEFAULT_WINDOW);
    }

    /** Test hook: {@code windowBytes} (a positive multiple of 8, below 2 GiB) bounds each mapping. */
    static SafetensorsFile open(Path file, int windowBytes) throws IOException {
        if (windowBytes < 8 || windowBytes % 8 != 0) {
            throw new IllegalArgumentException("window must be a positive multiple of 8: " + windowBytes);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(file + ": no such file", e);
        }
        try {
            return parse(file, ch, windowBytes, FileStamp.of(file));
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch, int window, FileStamp stamp) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsException(file + ": file is " + size
                    + " bytes, shorter than the 8-byte header length prefix (truncated or not a safetensors file)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0); // unsigned in the spec; a negative value means > 2^63
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(file + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit (corrupt file or not safetensors)");
        }
        if (n > size - 8) {
            throw new SafetensorsException(file + ": header length " + n + " extends beyond the end of the file ("
                    + size + " bytes): truncated file");
        }
        if (n < 2) {
            throw new SafetensorsException(file + ": header length " + n + " is too small for a JSON object");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        hb.flip();
        String header;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb);
            header = cb.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file + ": header is not valid UTF-8", e);
        }
        if (header.charAt(0) != '{') {
            throw new SafetensorsException(file + ": header does not start with '{' (corrupt file or not safetensors)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file + ": header JSON is not an object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafetensorsException(file + ": __metadata__ is not a JSON object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> mi = v.fields(); mi.hasNext();) {
                    Map.Entry<String, JsonNode> m = mi.next();
                    if (!m.getValue().isTextual()) {
                        throw new SafetensorsException(file + ": __metadata__ entry '" + m.getKey()
                                + "' is not a string (the spec allows only string values)");
                    }
                    metadata.put(m.getKey(), m.getValue().textValue());
                }
                continue;
            }
            tensors.put(name, parseEntry(file, name, v, dataLength));
        }
        checkCoverage(file, tensors, dataLength);
        return new SafetensorsFile(file, ch, size, dataStart, window, tensors, metadata, stamp);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLength) throws SafetensorsException {
        String where = file + ": tensor '" + name + "'";
        if (!v.isObject()) {
            throw new SafetensorsException(where + ": header entry is not a JSON object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsException(where + ": missing or non-string \"dtype\"");
        }
        DType dtype = DType.parse(dt.textValue());
        if (dtype == null) {
            throw new SafetensorsException(where + ": unsupported dtype \"" + dt.textValue()
                    + "\" (supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsException(where + ": missing or non-array \"shape\"");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(sh.get(i), where + ": shape[" + i + "]");
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new SafetensorsException(where + ": shape " + sh + " has more than 2^63 elements");
            }
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new SafetensorsException(where + ": missing \"data_offsets\" or not an array of two integers");
        }
        long begin = nonNegativeLong(off.get(0), where + ": data_offsets[0]");
        long end = nonNegativeLong(off.get(1), where + ": data_offsets[1]");
        if (end < begin) {
            throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] end before begin");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) dtype.size());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(where + ": shape " + sh + " x " + dtype + " overflows");
        }
        if (bytes != end - begin) {
            throw new SafetensorsException(where + ": shape " + sh + " x " + dtype + " (" + dtype.size()
                    + " bytes) = " + bytes + " bytes, but data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes");
        }
        if (end > dataLength) {
            throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end
                    + "] out of range: the data region is only " + dataLength + " bytes (truncated file?)");
        }
        return new TensorInfo(name, dtype, shape, numel, begin, end);
    }

    private static long nonNegativeLong(JsonNode n, String what) throws SafetensorsException {
        if (n == null || !n.isIntegralNumber()) {
            throw new SafetensorsException(what + " is not an integer: " + n);
        }
        if (n.bigIntegerValue().signum() < 0) {
            throw new SafetensorsException(what + " is negative: " + n);
        }
        if (!n.canConvertToLong()) {
            throw new SafetensorsException(what + " is out of range: " + n);
        }
        return n.longValue();
    }

    /** Sorted by offset, the tensors must tile [0, dataLength) exactly, like the reference library. */
    private static void checkCoverage(Path file, Map<String, TensorInfo> tensors, long dataLength) throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < expected) {
                throw new SafetensorsException(file + ": tensor '" + t.name() + "' bytes [" + t.begin() + ", " + t.end()
                        + ") overlap tensor '" + prev.name() + "' bytes [" + prev.begin() + ", " + prev.end() + ")");
            }
            if (t.begin() > expected) {
                throw new SafetensorsException(file + ": tensor '" + t.name() + "' starts at byte " + t.begin()
                        + " leaving a hole [" + expected + ", " + t.begin() + ") "
                        + (prev == null ? "at the start of the data region" : "after tensor '" + prev.name() + "'")
                        + "; the tensors must cover the data region contiguously");
            }
            expected = t.end();
            prev = t;
        }
        if (expected != dataLength) {
            throw new SafetensorsException(file + ": the data region is " + dataLength + " bytes but the tensors cover only "
                    + expected + (prev == null ? "" : " (last tensor '" + prev.name() + "')")
                    + "; trailing bytes not covered by any tensor");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) throw new IOException("unexpected end of file");
            pos += r;
        }
    }

    /** The file this reads. */
    public Path file() {
        return file;
    }

    /** Size in bytes of the file (header and data). */
    public long fileSize() {
        return fileSize;
    }

    /** Size, modification time and identity of the file when it was opened. */
    public FileStamp stamp() {
        return stamp;
    }

    @Override public List<FileStamp> files() {
        return List.of(stamp);
    }

    /** Absolute file offset of the data region (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    @Override public Map<String, String> metadata() {
        return metadata;
    }

    @Override public Set<String> names() {
        return tensors.keySet();
    }

    @Override public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override public TensorInfo info(String name) throws SafetensorsException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsException(file + ": no tensor named '" + name + "' (the file holds " + tensors.size() + " tensors)");
        }
        return t;
    }

    @Override public String describe() {
        return file.toString();
    }

    @Override public void readFloat(String name, long elementOffset, float[] dst, int dstOffset, int count) throws SafetensorsException {
        TensorInfo t = info(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new SafetensorsException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + "; readFloat converts F32, F16, BF16 and F64 only");
        }
        checkRange(t, elementOffset, count, dst.length, dstOffset);
        DType d = t.dtype();
        readWindows(name, dataStart + t.begin() + elementOffset * d.size(), (long) count * d.size(), d.size(), (b, at, n) -> {
            int out = dstOffset + at;
            switch (d) {
                case F32 -> b.asFloatBuffer().get(dst, out, n);
                case F16 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = HalfFloats.f16ToFloat(b.getShort(i << 1));
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = HalfFloats.bf16ToFloat(b.getShort(i << 1));
                }
                case F64 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = (float) b.getDouble(i << 3);
                }
                default -> throw new AssertionError(d);
            }
        });
    }

    @Override public java.nio.FloatBuffer mapF32(String name) throws SafetensorsException {
        TensorInfo t = info(name);
        if (t.dtype() != DType.F32 || t.byteSize() > window) return null;
        // READ_ONLY mappings give read-only buffers; the mapping outlives the channel (FileChannel.map)
        return map(name, dataStart + t.begin(), (int) t.byteSize()).asFloatBuffer();
    }

    @Override public int[] readInt(String name) throws SafetensorsException {
        TensorInfo t = info(name);
        if (!t.dtype().isInteger()) {
            throw new SafetensorsException(file + ": tensor '" + name + "' has dtype " + t.dtype()
                    + "; readInt converts I64, I32, I16, I8, U8 and BOOL only");
        }
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(file + ": tensor '" + name + "' has " + t.numel() + " elements, more than a Java array holds");
        }
        int[] dst = new int[(int) t.numel()];
        DType d = t.dtype();
        readWindows(name, dataStart + t.begin(), t.byteSize(), d.size(), (b, out, n) -> {
            switch (d) {
                case I32 -> b.asIntBuffer().get(dst, out, n);
                case I64 -> {
                    for (int i = 0; i < n; i++) {
                        long v = b.getLong(i << 3);
                        if (v != (int) v) {
                            throw new SafetensorsException(file + ": tensor '" + name + "' element " + (out + i)
                                    + " = " + v + " does not fit an int32");
                        }
                        dst[out + i] = (int) v;
                    }
                }
                case I16 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = b.getShort(i << 1);
                }
                case I8 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = b.get(i);
                }
                case U8 -> {
                    for (int i = 0; i < n; i++) dst[out + i] = b.get(i) & 0xFF;
                }
                case BOOL -> {
                    for (int i = 0; i < n; i++) dst[out + i] = b.get(i) != 0 ? 1 : 0;
                }
                default -> throw new AssertionError(d);
            }
        });
        return dst;
    }

    /** Decodes the {@code n} elements of one mapped window into the destination from its element {@code at}. */
    private interface WindowDecoder {
        void decode(ByteBuffer window, int at, int n) throws SafetensorsException;
    }

    /**
     * Maps {@code bytes} bytes from file position {@code pos} one window at a time (so a tensor larger than 2 GiB
     * reads too) and hands each window's elements to the decoder, numbered on from 0.
     */
    private void readWindows(String name, long pos, long bytes, int elementSize, WindowDecoder decoder) throws SafetensorsException {
        int at = 0;
        for (long remaining = bytes; remaining > 0;) {
            int chunk = (int) Math.min(remaining, window); // window is a multiple of 8: elements never straddle
            int n = chunk / elementSize;
            try {
                decoder.decode(map(name, pos, chunk), at, n);
            } catch (InternalError e) {
                throw faulted(name, e);
            }
            at += n;
            pos += chunk;
            remaining -= chunk;
        }
    }

    private void checkRange(TensorInfo t, long elementOffset, int count, int dstLength, int dstOffset) throws SafetensorsException {
        if (elementOffset < 0 || count < 0 || elementOffset > t.numel() - count) {
            throw new SafetensorsException(file + ": tensor '" + t.name() + "': element range [" + elementOffset + ", "
                    + (elementOffset + count) + ") out of bounds for " + t.numel() + " elements");
        }
        if (dstOffset < 0 || dstOffset > dstLength - count) {
            throw new SafetensorsException(file + ": tensor '" + t.name() + "': " + count
                    + " elements do not fit the destination (length " + dstLength + ") at offset " + dstOffset);
        }
    }

    private ByteBuffer map(String name, long pos, int len) throws SafetensorsException {
        try {
            long now = channel.size();
            if (now != fileSize) {
                throw new SafetensorsException(file + ": tensor '" + name + "': file size changed from " + fileSize
                        + " to " + now + " bytes since it was opened");
            }
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_ONLY, pos, len);
            return mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (ClosedChannelException e) {
            throw new SafetensorsException(file + ": tensor '" + name + "': file is closed", e);
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsException(file + ": tensor '" + name + "': cannot map bytes [" + pos + ", "
                    + (pos + len) + "): " + e.getMessage(), e);
        }
    }

    private SafetensorsException faulted(String name, InternalError e) {
        // a mapped page vanished under us (file truncated by someone else): the JVM reports SIGBUS this way
        return new SafetensorsException(file + ": tensor '" + name + "': I/O fault reading mapped data (file truncated while open?)", e);
    }

    @Override public void close() throws IOException {
        channel.close();
    }

    @Override public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }
}
