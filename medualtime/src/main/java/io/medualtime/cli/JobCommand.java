package io.medualtime.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * Base of the training / evaluation subcommands: any failure becomes ONE line {@code error: ...} on stderr and
 * exit code 2 through {@link ErrorLine}, the CLI's one error path (also when the command runs in a CommandLine
 * not built by {@link Main#commandLine()}). Throw {@link UserError} when the message is the whole story.
 */
abstract class JobCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where results go (stdout; tests may redirect System.out). */
    PrintStream out() { return System.out; }

    abstract int run() throws Exception;

    @Override public final Integer call() {
        try {
            return run();
        } catch (Throwable t) {
            return ErrorLine.report(t, spec.commandLine(), Main.debug(spec));
        }
    }

    /** A failure whose message is the whole story (no stack trace). */
    static final class UserError extends RuntimeException {
        UserError(String message) { super(message); }
    }
}
