package io.medualtime.nn.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Predicate;

/** Typed access to the fields of a JSON config file, with errors naming the file and the field. */
public final class ConfigFields {

    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)   // text after the object means a damaged file
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final JsonNode root;

    private ConfigFields(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Parses a JSON object file of at most {@link SizeLimits#MAX_CONFIG_BYTES}. */
    public static ConfigFields read(Path file) throws ConfigException {
        String text = readText(file, SizeLimits.MAX_CONFIG_BYTES);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": not a JSON object");
        }
        return new ConfigFields(file, root);
    }

    /**
     * A UTF-8 text file of at most {@code maxBytes}, checked before it is read: it must be a regular
     * file (not a device or pipe) and not larger; errors name the file.
     */
    public static String readText(Path file, long maxBytes) throws ConfigException {
        try {
            if (!Files.exists(file)) throw new ConfigException(file + ": no such file");
            if (!Files.isRegularFile(file)) throw new ConfigException(file + ": not a regular file");
            long size = Files.size(file);
            if (size > maxBytes)
                throw new ConfigException(file + ": " + size + " bytes, more than the " + maxBytes
                        + "-byte limit for this file (corrupt or the wrong file?)");
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not valid UTF-8 text", e);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file", e);
        } catch (ConfigException e) {
            throw e;
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e, e);
        }
    }

    /** A config object as {@code config.json} text: indented, ending in a newline. */
    public static String toText(ObjectNode config) {
        try {
            return JSON.writeValueAsString(config) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);   // a tree of plain values always serialises
        }
    }

    public Path file() {
        return file;
    }

    /** True if the field is present and not null. */
    public boolean has(String name) {
        JsonNode n = root.get(name);
        return n != null && !n.isNull();
    }

    public ConfigException error(String field, String message) {
        return new ConfigException(file + ": field \"" + field + "\" " + message);
    }

    public int requiredInt(String name) throws ConfigException {
        if (!has(name)) throw error(name, "is missing");
        return asInt(name, root.get(name));
    }

    /** The first present field among {@code names} (e.g. n_positions, then legacy n_ctx). */
    public int requiredIntOneOf(String... names) throws ConfigException {
        for (String n : names) {
            if (has(n)) return asInt(n, root.get(n));
        }
        throw new ConfigException(file + ": field \"" + names[0] + "\" is missing"
                + (names.length > 1
                        ? " (also looked for " + String.join(", ", java.util.Arrays.asList(names).subList(1, names.length)) + ")"
                        : ""));
    }

    public int optionalInt(String name, int dflt) throws ConfigException {
        return has(name) ? asInt(name, root.get(name)) : dflt;
    }

    /** Null when absent or JSON null. */
    public Integer nullableInt(String name) throws ConfigException {
        return has(name) ? asInt(name, root.get(name)) : null;
    }

    public double optionalDouble(String name, double dflt) throws ConfigException {
        return optional(name, dflt, JsonNode::isNumber, JsonNode::doubleValue, "a number");
    }

    public String optionalString(String name, String dflt) throws ConfigException {
        return optional(name, dflt, JsonNode::isTextual, JsonNode::textValue, "a string");
    }

    public boolean optionalBool(String name, boolean dflt) throws ConfigException {
        return optional(name, dflt, JsonNode::isBoolean, JsonNode::booleanValue, "true or false");
    }

    /** dflt when the field is absent or null, else its value, which must be of the JSON type {@code isType} accepts. */
    private <T> T optional(String name, T dflt, Predicate<JsonNode> isType, Function<JsonNode, T> value, String expected)
            throws ConfigException {
        if (!has(name)) return dflt;
        JsonNode n = root.get(name);
        if (!isType.test(n)) throw error(name, "must be " + expected + ", got " + n);
        return value.apply(n);
    }

    private int asInt(String name, JsonNode n) throws ConfigException {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(name, "must be an integer, got " + n);
        }
        return n.intValue();
    }
}
