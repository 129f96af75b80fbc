package io.medualtime.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The promise every reader of a file format keeps, which the fuzz tests ({@code *FuzzTest}) check on any input:
 * it returns normally, or it throws one of its documented error types with a one-line message naming the file.
 * Anything else - another exception, an OutOfMemoryError, a message over several lines or naming no file - leaves
 * {@link #check} and Jazzer records the input as a finding. Hangs are bounded by each test's {@code @Timeout}
 * (JUnit enforces it on each committed input, libFuzzer's {@code -timeout} on each input while fuzzing).
 * See tools/fuzz.sh.
 */
public final class ParserContract {
    private ParserContract() {}

    /** Code under test: a parse, or a first use of what was parsed. */
    @FunctionalInterface
    public interface Parse { void run() throws Exception; }

    /**
     * Runs {@code parse}; a {@code documented} error is accepted when its message is one line that names one of
     * {@code files} (any message when no file is given), anything else is thrown on.
     */
    public static void check(Parse parse, List<Class<? extends Throwable>> documented, Path... files) {
        try {
            parse.run();
        } catch (Throwable t) {
            if (documented.stream().noneMatch(c -> c.isInstance(t))) throw undocumented(t);
            String m = t.getMessage();
            if (m == null || m.isBlank()) throw new AssertionError(t.getClass().getSimpleName() + " without a message", t);
            if (m.contains("\n") || m.contains("\r")) throw new AssertionError("message over several lines: " + m, t);
            if (files.length > 0 && java.util.Arrays.stream(files).noneMatch(f -> m.contains(f.getFileName().toString())))
                throw new AssertionError("message names no file (" + java.util.Arrays.toString(files) + "): " + m, t);
        }
    }

    private static RuntimeException undocumented(Throwable t) {
        if (t instanceof RuntimeException r) return r;           // thrown as it is: Jazzer reports its own type and trace
        if (t instanceof Error e) throw e;
        return new IllegalStateException("undocumented " + t.getClass().getName() + ": " + t.getMessage(), t);
    }

    /** A folder for this JVM's scratch files, created once (fuzzing writes thousands of inputs into the same files). */
    public static Path scratch(String name) {
        try {
            Path shm = Path.of("/dev/shm");                       // memory-backed where there is one
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "medualtime-fuzz-" + name + "-")
                    : Files.createTempDirectory("medualtime-fuzz-" + name + "-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code file}, replacing it. */
    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code input} split at the first {@code separator} line (the second part is empty when there is none). */
    public static byte[][] split(byte[] input, String separator) {
        byte[] sep = ("\n" + separator + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer : for (int i = 0; i + sep.length <= input.length; i++) {
            for (int k = 0; k < sep.length; k++) if (input[i + k] != sep[k]) continue outer;
            return new byte[][]{java.util.Arrays.copyOfRange(input, 0, i),
                    java.util.Arrays.copyOfRange(input, i + sep.length, input.length)};
        }
        return new byte[][]{input, new byte[0]};
    }
}
