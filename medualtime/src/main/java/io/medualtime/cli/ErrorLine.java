package io.medualtime.cli;

import io.medualtime.data.EcgDataException;
import io.medualtime.tensor.cuda.CudaDriver;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The CLI's one error path: whatever a command throws (any exception, an OutOfMemoryError, a
 * StackOverflowError) ends as ONE line {@code error: ...} on stderr and exit code {@value #EXIT}.
 * Failures the code expects (bad files, bad values, missing folders) carry a message that is the
 * whole story; anything else is named by its type, its message and where it was thrown. With
 * {@code --debug} or {@code MEDUALTIME_DEBUG=1} the stack trace is printed above the line.
 */
final class ErrorLine {
    static final int EXIT = 2;
    static final String DEBUG_ENV = "MEDUALTIME_DEBUG";

    private ErrorLine() {}

    /** Prints {@code t}'s line (and with {@code debug} its stack trace) for the command {@code where}; returns the exit code. */
    static int report(Throwable t, CommandLine where, boolean debug) {
        System.out.flush();
        PrintWriter err = where.getErr();
        Throwable cause = unwrap(t);
        if (debug || debugFromEnvironment()) cause.printStackTrace(err);
        err.println("error: " + describe(cause, where.getCommandSpec().qualifiedName()));
        err.flush();
        return EXIT;
    }

    static boolean debugFromEnvironment() {
        String v = System.getenv(DEBUG_ENV);
        return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /** The line after {@code error: } for {@code t}, thrown while {@code command} ran. */
    static String describe(Throwable t, String command) {
        if (t instanceof OutOfMemoryError e) return outOfMemory(e, command);
        if (t instanceof StackOverflowError)
            return "stack overflow in `" + command + "` (an input nested too deeply?); give Java a larger thread stack with "
                    + "MEDUALTIME_JAVA_OPTS=-Xss64m (bin/medualtime passes it to java)";
        String message = t.getMessage();
        if (message == null || message.isBlank()) return unexpected(t, command);
        if (t instanceof NoSuchFileException e)
            return e.getFile() + (e.getReason() != null ? ": " + e.getReason() : ": no such file or folder");
        if (t instanceof CharacterCodingException)
            return "a text file is not valid UTF-8 (" + message + "); --debug or " + DEBUG_ENV + "=1 shows which reader failed";
        if (t instanceof UncheckedIOException e)
            return message + (e.getCause() != null && e.getCause().getMessage() != null ? ": " + e.getCause().getMessage() : "");
        if (t instanceof IOException || t instanceof JobCommand.UserError || t instanceof Gpt2Command.UserError
                || t instanceof EcgDataException || t instanceof CommandLine.ParameterException
                || t instanceof CudaDriver.OutOfDeviceMemory || t instanceof IllegalStateException
                || (t instanceof IllegalArgumentException && !(t instanceof NumberFormatException)))
            return oneLine(message);
        return unexpected(t, command);
    }

    /** A failure the code did not foresee: its type, message and the frame that threw it. */
    private static String unexpected(Throwable t, String command) {
        String message = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + oneLine(t.getMessage());
        return "unexpected " + t.getClass().getSimpleName() + message + " (at " + where(t) + ", in `" + command
                + "`); --debug or " + DEBUG_ENV + "=1 prints the stack trace";
    }

    private static String outOfMemory(OutOfMemoryError e, String command) {
        long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
        long suggestGiB = Math.max(2, 2 * ((maxMiB + 1023) >> 10));
        return String.format(Locale.ROOT, "out of memory in `%s` (%s; this Java heap holds at most %,d MiB): give Java more "
                + "with MEDUALTIME_JAVA_OPTS=-Xmx%dg (bin/medualtime passes it to java), or use a smaller model or batch",
                command, e.getMessage() == null ? "no detail" : e.getMessage(), maxMiB, suggestGiB);
    }

    /** The first frame in this project's code (else the top frame), as Class.method(File:line). */
    static String where(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        if (trace.length == 0) return "unknown place";
        StackTraceElement at = trace[0];
        for (StackTraceElement e : trace) if (e.getClassName().startsWith("io.medualtime.")) { at = e; break; }
        String cls = at.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + at.getMethodName()
                + "(" + (at.getFileName() == null ? "?" : at.getFileName()) + (at.getLineNumber() > 0 ? ":" + at.getLineNumber() : "")
                + ")";
    }

    /** The failure itself, not the wrappers picocli, reflection, futures or the thread pool put around it. */
    static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof CommandLine.ExecutionException || t instanceof InvocationTargetException
                        || t instanceof ExceptionInInitializerError || t instanceof ExecutionException || t instanceof CompletionException
                        || (t.getClass() == RuntimeException.class && t.getCause().toString().equals(t.getMessage()))))
            t = t.getCause();
        return t;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " | ");
    }
}
