package io.medualtime.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CliLoggingTest {

    @Test void libraryRecordsPrintAsOneNoticeLineOnStderr() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            CliLogging.install();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.getLogger("io.medualtime.tensor.cpu").log(System.Logger.Level.INFO, "a notice");
            System.getLogger("io.medualtime.tensor.cpu").log(System.Logger.Level.DEBUG, "not shown");
        } finally {
            System.setErr(saved);
        }
        assertEquals("[medualtime] a notice" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Library code (tensor, tensor-cuda, nn) never prints: embedders route or silence it through System.Logger. Exceptions: the
     * benchmark mains and KernelProfile's table, a report asked for by a property and printed at exit (after
     * java.util.logging has closed its handlers).
     */
    @Test void libraryCodeDoesNotWriteToTheConsole() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Stream.of("../tensor/src/main/java", "../tensor-cuda/src/main/java", "../nn/src/main/java")
                .flatMap(CliLoggingTest::walk)) {
            offenders = files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().endsWith("Bench.java")
                    && !f.getFileName().toString().equals("KernelProfile.java"))
                    .filter(f -> read(f).contains("System.out.print") || read(f).contains("System.err.print"))
                    .map(Path::toString).collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders);
    }

    private static Stream<Path> walk(String dir) {
        try {
            return Files.walk(Path.of(dir));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
