package io.medualtime.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one Jackson {@link ObjectMapper} of the training reports: pretty-printed, tolerant of unknown
 * properties on read (so an older reader can open a newer {@code metrics.json}).
 *
 * <p>Non-finite doubles (a diverged loss) are written as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"} (Jackson's default), which keeps the file valid JSON; Jackson reads them back as doubles
 * and Python's {@code float("NaN")} accepts them.
 */
public final class MetricsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private MetricsJson() {}

    /** The shared mapper (thread-safe once configured; do not reconfigure it). */
    public static ObjectMapper mapper() { return MAPPER; }

    /** Pretty JSON of {@code value}; wraps Jackson's checked exception. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " to JSON", e);
        }
    }

    /** Parses {@code json} into {@code type}; wraps Jackson's checked exception. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot parse " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }
}
