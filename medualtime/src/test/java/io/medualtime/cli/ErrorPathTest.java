package io.medualtime.cli;

import io.medualtime.tensor.cpu.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI's one error path: every failure (any exception, OutOfMemoryError, StackOverflowError, a bad option)
 * is one line {@code error: ...} on stderr and exit code 2; {@code --debug} adds the stack trace.
 */
class ErrorPathTest {
    record Run(int code, String out, String err) {
        /** Exactly one line on stderr, {@code error: ...}, and no stack trace. */
        String oneLine() {
            assertEquals(2, code, err);
            assertTrue(err.startsWith("error: "), err);
            assertEquals(1, err.strip().lines().count(), err);
            return err.strip();
        }
    }

    /** A job that fails the way it is told to, as any subcommand might. */
    @Command(name = "boom")
    static final class Boom extends JobCommand {
        @Parameters
        String what;

        @Override int run() {
            Supplier<RuntimeException> thrown = switch (what) {
                case "npe" -> NullPointerException::new;
                case "arith" -> () -> new ArithmeticException("/ by zero");
                case "user" -> () -> new UserError("data/x.csv, line 3: bad value 'q'");
                case "wrapped" -> () -> new RuntimeException(new UnsupportedOperationException("nope"));
                default -> null;
            };
            if (thrown != null) throw thrown.get();
            if (what.equals("oom")) return new float[Integer.MAX_VALUE - 16].length;   // 8 GB: more than the test heap
            if (what.equals("deep")) return deep(0);
            return 0;
        }

        private static int deep(int n) { return deep(n + 1) + 1; }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine().addSubcommand(new Boom());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test void anUnexpectedExceptionIsOneLineNamingItsTypeAndWhereItWasThrown() {
        String npe = run("boom", "npe").oneLine();
        assertTrue(npe.startsWith("error: unexpected NullPointerException (at ErrorPathTest$Boom.run(ErrorPathTest.java:"), npe);
        assertTrue(npe.contains("in `medualtime boom`") && npe.contains("--debug"), npe);
        String arith = run("boom", "arith").oneLine();
        assertTrue(arith.startsWith("error: unexpected ArithmeticException: / by zero (at ErrorPathTest$Boom."), arith);
        assertTrue(run("boom", "wrapped").oneLine().startsWith("error: unexpected UnsupportedOperationException: nope"),
                "the wrapper is looked through");
    }

    @Test void expectedFailuresKeepTheirOwnMessage() {
        assertEquals("error: data/x.csv, line 3: bad value 'q'", run("boom", "user").oneLine());
    }

    @Test void outOfMemorySaysHowToRaiseTheHeap() {
        String line = run("boom", "oom").oneLine();
        assertTrue(line.startsWith("error: out of memory in `medualtime boom` ("), line);
        assertTrue(line.contains("MEDUALTIME_JAVA_OPTS=-Xmx"), line);
    }

    @Test void stackOverflowSaysHowToRaiseTheStack() {
        String line = run("boom", "deep").oneLine();
        assertTrue(line.startsWith("error: stack overflow in `medualtime boom`") && line.contains("MEDUALTIME_JAVA_OPTS=-Xss"), line);
    }

    @Test void debugPrintsTheStackTraceAboveTheLine() {
        Run r = run("boom", "arith", "--debug");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("java.lang.ArithmeticException: / by zero"), r.err());
        assertTrue(r.err().contains("\tat io.medualtime.cli.ErrorPathTest$Boom"), r.err());
        assertTrue(r.err().strip().lines().reduce((a, b) -> b).orElseThrow().startsWith("error: unexpected ArithmeticException"), r.err());
    }

    @Test void badOptionsAreOneLineWithoutTheUsageText() {
        assertEquals("error: Unknown option: '--nope' (see medualtime boom --help)", run("boom", "x", "--nope").oneLine());
        assertEquals("error: --threads must be at least 1, got 0 (see medualtime --help)", run("--threads", "0", "boom", "x").oneLine());
    }

    @Test void tooManyThreadsAreClampedWithANotice() {
        int before = Parallel.threads();
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream notice = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(notice, true));
        try {
            Run r = run("--threads", "100000", "boom", "ok");
            assertEquals(0, r.code(), r.err());
            assertEquals(Parallel.maxThreads(), Parallel.threads());
            assertEquals("[medualtime] --threads 100000 is more than 4 per core (" + Parallel.cores() + " cores here): using "
                    + Parallel.maxThreads(), notice.toString().strip());
        } finally {
            System.setErr(oldErr);
            Parallel.setThreads(before);
        }
    }

    /** A real case: gpt2 used to print an IllegalArgumentException's stack trace and exit 1. */
    @Test void gpt2WithAnOversizedConfigIsOneLine(@TempDir Path dir) throws Exception {
        Path fixture = Path.of("../nn/src/test/resources/fixtures/gpt2-tiny");
        for (String f : new String[]{"config.json", "model.safetensors"}) Files.copy(fixture.resolve(f), dir.resolve(f));
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"n_positions\": 64", "\"n_positions\": 1000000000"));
        Run r = run("gpt2", "logits", "--model", dir.toString(), "--ids", "1,2,3");
        assertFalse(r.err().contains("\tat "), r.err());
        r.oneLine();
    }
}
