package io.medualtime.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library reports through {@link System.Logger} (loggers under {@code io.medualtime}), so an embedding
 * application routes or silences it like any other logging. The CLI prints those records as it always printed its
 * notices: one {@code [medualtime] message} line on stderr, no timestamps, no logger names.
 */
final class CliLogging {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger would lose this configuration. */
    private static final Logger LIBRARY = Logger.getLogger("io.medualtime");

    private CliLogging() {}

    static void install() {
        LIBRARY.setUseParentHandlers(false);
        LIBRARY.setLevel(Level.INFO);
        for (Handler h : LIBRARY.getHandlers()) LIBRARY.removeHandler(h);
        LIBRARY.addHandler(new Handler() {
            @Override public void publish(LogRecord r) {
                if (!isLoggable(r)) return;
                System.err.println("[medualtime] " + r.getMessage());   // System.err read now: callers may redirect it
            }

            @Override public void flush() { System.err.flush(); }

            @Override public void close() {}
        });
    }
}
