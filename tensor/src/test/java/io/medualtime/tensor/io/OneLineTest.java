package io.medualtime.tensor.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OneLineTest {
    @Test void controlCharactersFromAFileAreEscaped() {
        assertEquals("a\\nb\\rc\\u001b[2Jd\\u2028e\tf", OneLine.of("a\nb\rc\u001b[2Jd\u2028e\tf"));
        String clean = "config.json: field \"n_layer\" is 1000000";
        assertSame(clean, OneLine.of(clean));
        assertNull(OneLine.of(null));
    }

    @Test void readerExceptionsAreOneLine() {
        assertEquals("x.safetensors: tensor 'a\\rb'", new SafetensorsException("x.safetensors: tensor 'a\rb'").getMessage());
        assertEquals("x.safetensors: tensor 'a\\nb'", new SafetensorsException("x.safetensors: tensor 'a\nb'", null).getMessage());
    }
}
