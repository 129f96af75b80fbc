package io.medualtime.nn.config;

import io.medualtime.tensor.io.OneLine;

import java.io.IOException;

/**
 * A model or tokenizer configuration file is missing, malformed or describes something we do not
 * support. Checked (an {@link IOException}), like {@code SafetensorsException}: loading a model folder
 * is I/O, and the caller handles a bad folder the same way as a missing one. The message names the
 * file and the field.
 */
public class ConfigException extends IOException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(OneLine.of(message));   // values quoted from a hostile file stay on one line
    }

    public ConfigException(String message, Throwable cause) {
        super(OneLine.of(message), cause);
    }
}
