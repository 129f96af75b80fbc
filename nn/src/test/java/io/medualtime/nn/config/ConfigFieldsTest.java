package io.medualtime.nn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ConfigFieldsTest {
    @TempDir
    Path dir;

    ConfigFields read(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return ConfigFields.read(file);
    }

    @Test void optionalFieldsTakeTheirValueOrTheDefaultWhenAbsentOrNull() throws IOException {
        ConfigFields f = read("{\"eps\": 0.5, \"act\": \"relu\", \"tie\": false, \"gone\": null}");
        assertEquals(0.5, f.optionalDouble("eps", 1));
        assertEquals("relu", f.optionalString("act", "gelu"));
        assertFalse(f.optionalBool("tie", true));
        assertEquals(2.0, f.optionalDouble("gone", 2));
        assertEquals("gelu", f.optionalString("missing", "gelu"));
        assertTrue(f.optionalBool("missing", true));
    }

    @Test void aFieldOfTheWrongTypeNamesFileFieldAndValue() throws IOException {
        ConfigFields f = read("{\"eps\": \"small\", \"act\": 3, \"tie\": \"yes\"}");
        String file = dir.resolve("config.json").toString();
        assertEquals(file + ": field \"eps\" must be a number, got \"small\"",
                assertThrows(ConfigException.class, () -> f.optionalDouble("eps", 1)).getMessage());
        assertEquals(file + ": field \"act\" must be a string, got 3",
                assertThrows(ConfigException.class, () -> f.optionalString("act", "gelu")).getMessage());
        assertEquals(file + ": field \"tie\" must be true or false, got \"yes\"",
                assertThrows(ConfigException.class, () -> f.optionalBool("tie", true)).getMessage());
    }
}
