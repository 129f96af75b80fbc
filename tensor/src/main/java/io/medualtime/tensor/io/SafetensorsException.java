package io.medualtime.tensor.io;

import java.io.IOException;

/**
 * A safetensors file (or sharded checkpoint) is malformed, or a read asks for something the file
 * does not hold (unknown tensor, wrong dtype, range out of bounds).
 *
 * <p>Checked, extending {@link IOException}: a broken checkpoint is an I/O-level problem that the
 * caller of a loader must handle anyway (the file may also be missing or unreadable), and it keeps
 * "file on disk is bad" out of the unchecked programming-error family. Every message names the file
 * and, where there is one, the tensor or field.
 */
public class SafetensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsException(String message) {
        super(OneLine.of(message));   // values quoted from a hostile file stay on one line
    }

    public SafetensorsException(String message, Throwable cause) {
        super(OneLine.of(message), cause);
    }
}
