package io.medualtime.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JSON file into a record, refusing what a lenient reader would guess at: a string where a number belongs
 * ({@code "5"}), a fraction for an integer, {@code null} for a number, a duplicated key, trailing content. Every
 * failure is one line naming the file and the field ({@code run.json: field 'model.steps': null where a number belongs}).
 * Unknown fields are ignored (a newer writer may add some).
 */
final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {}

    /** Parses {@code text} (the content of {@code file}) into {@code type}; never returns null. */
    static <T> T read(Path file, String text, Class<T> type) throws IOException {
        T value;
        try {
            value = MAPPER.readValue(text, type);
        } catch (JsonMappingException e) {
            String field = field(e);
            throw new IOException(file + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + reason(e), e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IOException(
                    file + ": invalid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                            + ": " + firstLine(e.getOriginalMessage()),
                    e);
        }
        if (value == null) throw new IOException(file + ": not a JSON object");
        return value;
    }

    /** The dotted path of the failing field, e.g. {@code model.steps} or {@code classNames[2]}. */
    private static String field(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
    }

    private static String reason(JsonMappingException e) {
        String msg = firstLine(e.getOriginalMessage());
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null)
            return firstLine(e.getCause().getMessage());   // a record's own validation
        if (msg.startsWith("Missing required creator property")) return "missing";
        if (msg.startsWith("Cannot map `null`")) return "null where a number belongs";
        if (e instanceof InvalidFormatException f)
            return "expected " + typeName(f.getTargetType()) + ", got " + (f.getValue() instanceof String s ? '"' + s + '"' : f.getValue());
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Matcher got = GOT.matcher(msg);
            return "expected " + typeName(m.getTargetType())
                    + (got.find() ? ", got " + (got.group(1) != null ? got.group(1) : got.group(2) + " value") : "");
        }
        return msg;
    }

    /** What Jackson found, from its message: {@code Cannot coerce String value ("1") to ...} or {@code ... from Array value ...}. */
    private static final Pattern GOT = Pattern.compile("Cannot coerce (.+?) to `|from (\\w+) value");

    private static String typeName(Class<?> t) {
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "an integer";
        if (t == float.class || t == Float.class || t == double.class || t == Double.class) return "a number";
        if (t == boolean.class || t == Boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (java.util.Collection.class.isAssignableFrom(t)) return "an array";
        return "an object";
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
