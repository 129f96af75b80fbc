package io.medualtime.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Asserts that two run folders hold the same run: identical weight files, identical metrics.json but for wall-clock times. */
public final class SameRun {
    private SameRun() {}

    /** metrics.json without its wall-clock fields (createdAt, totalSeconds, each epoch's seconds) and the arguments (they name the folder). */
    public static JsonNode metricsWithoutTimes(Path run) throws Exception {
        ObjectNode m = (ObjectNode) MetricsJson.mapper().readTree(Files.readString(run.resolve(RunFolder.METRICS_FILE)));
        m.remove(List.of("createdAt", "totalSeconds", "arguments"));
        for (JsonNode e : m.path("history")) ((ObjectNode) e).remove("seconds");
        return m;
    }

    public static void assertSameRun(Path expected, Path actual, String... weightFiles) throws Exception {
        for (String f : weightFiles)
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)),
                    f + " differs from the uninterrupted run's");
        assertEquals(metricsWithoutTimes(expected).toPrettyString(), metricsWithoutTimes(actual).toPrettyString(), "metrics.json differs");
    }
}
