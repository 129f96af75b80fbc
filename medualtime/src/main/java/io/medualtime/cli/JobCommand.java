package io.medualtime.cli;

import io.medualtime.data.EcgDataException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/**
 * Base of the training / evaluation subcommands: expected failures (bad data files, a missing folder, no CUDA,
 * a bad option value) end with ONE line {@code error: ...} on stderr and exit code 2 instead of a stack trace.
 */
abstract class JobCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** Where results go (stdout; tests may redirect System.out). */
    PrintStream out() { return System.out; }

    abstract int run() throws Exception;

    @Override public final Integer call() throws Exception {
        try {
            return run();
        } catch (UserError | EcgDataException | IllegalArgumentException | IllegalStateException e) {
            return fail(e.getMessage());
        } catch (NoSuchFileException e) {
            return fail(e.getFile() + (e.getReason() != null ? ": " + e.getReason() : ": no such file or folder"));
        } catch (IOException e) {
            return fail(e.getMessage());
        } catch (UncheckedIOException e) {
            return fail(e.getMessage() + (e.getCause() != null && e.getCause().getMessage() != null ? ": " + e.getCause().getMessage() : ""));
        }
    }

    static int fail(String message) {
        System.err.println("error: " + message);
        return 2;
    }

    /** A failure whose message is the whole story (no stack trace). */
    static final class UserError extends RuntimeException {
        UserError(String message) { super(message); }
    }
}
