package io.medualtime.train;

import java.io.Closeable;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress line for long loops: count, percentage, elapsed time, ETA, rate and running metrics
 * (e.g. {@code loss 0.4321}), written to stderr.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("epoch 3/40", batches)) {
 *     for (...) { ...; p.metric("loss", runningLoss); p.step(); }
 * }
 * }</pre>
 *
 * <p>Three {@linkplain Display displays}:
 * <ul>
 *   <li>{@link Display#TTY}: one line redrawn in place with {@code \r} (ASCII bar, no ANSI codes), at most every
 *       {@code ttyRefreshMillis}, and a newline on {@link #close()}; kept shorter than the terminal (a wrapped
 *       line could not be redrawn): the bar is dropped first, then the end is cut;</li>
 *   <li>{@link Display#PLAIN} (logs, CI, anything piped): a complete line, newline-terminated, each time the
 *       percentage crosses a multiple of {@code percentStep} or {@code plainIntervalSeconds} have passed since the
 *       last line, and a summary line ({@code done in ...}) on close, which stands for 100%. No carriage
 *       returns, no control characters;</li>
 *   <li>{@link Display#OFF}: nothing.</li>
 * </ul>
 * {@link Display#detect()} picks one: the system property {@code medualtime.progress} or the environment variable
 * {@code MEDUALTIME_PROGRESS} ({@code tty}, {@code plain} or {@code off}) if set; otherwise PLAIN when
 * {@code TERM=dumb} or {@link System#console()} is null, TTY otherwise.
 *
 * <p>There is no background thread: lines are written from {@link #step()} / {@link #set(long)} /
 * {@link #close()} only, so a loop that hangs inside one step prints nothing until it moves. The methods are
 * synchronized, so workers may call {@link #step()} concurrently. A total &lt;= 0 means unknown (no percentage,
 * no ETA; PLAIN then prints by time only).
 */
public final class Progress implements Closeable {

    /** How the progress is shown (named so as not to clash with {@code io.medualtime.train.Mode}). */
    public enum Display {
        TTY, PLAIN, OFF;

        /** The display for stderr of this process (see the class comment). */
        public static Display detect() {
            String forced = System.getProperty("medualtime.progress");
            if (forced == null || forced.isBlank()) forced = System.getenv("MEDUALTIME_PROGRESS");
            if (forced != null && !forced.isBlank()) {
                try {
                    return Display.valueOf(forced.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ignored) {
                    // fall through to detection
                }
            }
            if ("dumb".equals(System.getenv("TERM"))) return PLAIN;
            return isTerminal(System.console()) ? TTY : PLAIN;
        }

        /** JDK 22+ returns a Console even when redirected; there {@code Console.isTerminal()} tells the truth. */
        static boolean isTerminal(Console console) {
            if (console == null) return false;
            try {
                Method m = Console.class.getMethod("isTerminal");
                return (Boolean) m.invoke(console);
            } catch (ReflectiveOperationException e) {
                return true; // JDK < 22: a non-null console means stdin and stdout are terminals
            }
        }
    }

    private final String task;
    private final long total;
    private final PrintStream out;
    private final Display mode;
    private final LongSupplier clock;
    private final int percentStep;
    private final long plainIntervalNanos;
    private final long ttyRefreshNanos;
    private final int barWidth;
    private final int ttyColumns;
    private final long startNanos;
    private final Map<String, String> metrics = new LinkedHashMap<>();
    private String message = "";

    private long done;
    private long lastPrintNanos;
    private long lastPrintedDone = -1;
    private int nextPercentMark;
    private int ttyLastLength;
    private boolean closed;

    private Progress(Builder b) {
        this.task = b.task;
        this.total = b.total;
        this.out = b.out;
        this.mode = b.mode == null ? Display.detect() : b.mode;
        this.clock = b.clock;
        this.percentStep = b.percentStep;
        this.plainIntervalNanos = (long) (b.plainIntervalSeconds * 1e9);
        this.ttyRefreshNanos = b.ttyRefreshMillis * 1_000_000L;
        this.barWidth = b.barWidth;
        this.ttyColumns = b.ttyColumns > 0 ? b.ttyColumns : terminalColumns();
        this.startNanos = clock.getAsLong();
        this.lastPrintNanos = startNanos;
        this.nextPercentMark = percentStep;
    }

    /** A progress line on stderr in the {@linkplain Display#detect() detected} display. */
    public static Progress start(String task, long total) {
        return builder(task, total).build();
    }

    public static Builder builder(String task, long total) { return new Builder(task, total); }

    /** Options; the defaults suit training loops. */
    public static final class Builder {
        private final String task;
        private final long total;
        private PrintStream out = System.err;
        private Display mode;
        private LongSupplier clock = System::nanoTime;
        private int percentStep = 10;
        private double plainIntervalSeconds = 10;
        private long ttyRefreshMillis = 100;
        private int barWidth = 24;
        private int ttyColumns;

        private Builder(String task, long total) {
            this.task = Objects.requireNonNull(task, "task");
            this.total = total;
        }

        /** Where to write (default stderr). */
        public Builder out(PrintStream out) { this.out = Objects.requireNonNull(out); return this; }
        /** Force a display (default {@link Display#detect()}). */
        public Builder display(Display display) {
            this.mode = display;
            return this;
        }
        /** A nanosecond clock (default {@link System#nanoTime()}); tests pass a fake one. */
        public Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos);
            return this;
        }
        /** PLAIN: a line each time the percentage crosses a multiple of this (default 10; 1..100). */
        public Builder percentStep(int percent) {
            if (percent < 1 || percent > 100) throw new IllegalArgumentException("percentStep must be in [1, 100]");
            this.percentStep = percent;
            return this;
        }
        /** PLAIN: a line at least this often while it moves (default 10 s). */
        public Builder plainIntervalSeconds(double seconds) {
            if (!(seconds > 0)) throw new IllegalArgumentException("plainIntervalSeconds must be > 0");
            this.plainIntervalSeconds = seconds;
            return this;
        }
        /** TTY: redraw at most this often (default 100 ms). */
        public Builder ttyRefreshMillis(long millis) {
            this.ttyRefreshMillis = Math.max(0, millis);
            return this;
        }
        /** TTY: characters of the bar (default 24; 0 for none). */
        public Builder barWidth(int width) {
            this.barWidth = Math.max(0, width);
            return this;
        }
        /** TTY: the longest line (default {@code $COLUMNS - 1}, or 119); the bar goes first, then the end is cut. */
        public Builder ttyColumns(int columns) {
            this.ttyColumns = columns;
            return this;
        }
        public Progress build() { return new Progress(this); }
    }

    /** One more unit done. */
    public void step() { step(1); }

    /** {@code k} more units done. */
    public synchronized void step(long k) {
        done += k;
        update();
    }

    /** Sets the absolute count done. */
    public synchronized void set(long doneSoFar) {
        done = doneSoFar;
        update();
    }

    /** Sets a running metric shown after the counts, e.g. {@code metric("loss", 0.4321)} shows {@code loss 0.4321}. */
    public synchronized void metric(String name, double value) {
        metrics.put(name, formatNumber(value));
    }

    /** A free text shown at the end of the line (empty to clear). */
    public synchronized void message(String text) {
        message = text == null ? "" : text;
    }

    public synchronized long done() { return done; }

    public Display display() { return mode; }

    /** The current status text without bar or control characters (what a PLAIN line shows). */
    public synchronized String line() {
        return plainLine(clock.getAsLong(), false);
    }

    /** Writes the final line (TTY: ends the redrawn line). Idempotent. */
    @Override public synchronized void close() {
        if (closed) return;
        closed = true;
        long now = clock.getAsLong();
        switch (mode) {
            case TTY -> {
                drawTty(now);
                out.print(System.lineSeparator());
                out.flush();
            }
            case PLAIN -> {
                out.println(plainLine(now, true));
                out.flush();
            }
            case OFF -> {}
        }
    }

    private void update() {
        if (closed || mode == Display.OFF) return;
        long now = clock.getAsLong();
        if (mode == Display.TTY) {
            boolean finished = total > 0 && done >= total;
            if (finished || now - lastPrintNanos >= ttyRefreshNanos || lastPrintedDone < 0) {
                drawTty(now);
                lastPrintNanos = now;
                lastPrintedDone = done;
            }
            return;
        }
        boolean print = false;
        if (total > 0) {
            int pct = (int) Math.min(100, (100 * done) / total);
            // 100% is left to close(), whose line also says how long it took
            if (pct >= nextPercentMark && pct < 100) {
                print = true;
                nextPercentMark = (pct / percentStep + 1) * percentStep;
            }
        }
        if (!print && now - lastPrintNanos >= plainIntervalNanos && done != lastPrintedDone) print = true;
        if (print) {
            out.println(plainLine(now, false));
            out.flush();
            lastPrintNanos = now;
            lastPrintedDone = done;
        }
    }

    private void drawTty(long now) {
        String line = ttyLine(now, barWidth);
        if (line.length() > ttyColumns) line = ttyLine(now, 0); // a wrapped line cannot be redrawn with \r
        if (line.length() > ttyColumns) line = line.substring(0, ttyColumns);
        int pad = Math.max(0, ttyLastLength - line.length());
        out.print('\r');
        out.print(line);
        for (int i = 0; i < pad; i++) out.print(' ');
        out.flush();
        ttyLastLength = line.length();
    }

    private String ttyLine(long now, int bar) {
        StringBuilder sb = new StringBuilder();
        sb.append(task).append(' ');
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            sb.append(String.format(Locale.ROOT, "%3d%% ", (int) (100 * frac)));
            if (bar > 0) {
                int filled = (int) (frac * bar);
                sb.append('[');
                for (int i = 0; i < bar; i++) sb.append(i < filled ? '#' : (i == filled ? '>' : ' '));
                sb.append("] ");
            }
        }
        sb.append(counts()).append(' ').append(timing(now, false)).append(tail());
        return sb.toString();
    }

    /** The usable width of the terminal: {@code $COLUMNS - 1} if exported, else 119. */
    static int terminalColumns() {
        try {
            String c = System.getenv("COLUMNS");
            if (c != null) return Math.max(20, Integer.parseInt(c.trim()) - 1);
        } catch (NumberFormatException ignored) {
            // fall through
        }
        return 119;
    }

    private String plainLine(long now, boolean finalLine) {
        StringBuilder sb = new StringBuilder();
        sb.append(task).append(':');
        if (total > 0) sb.append(String.format(Locale.ROOT, " %3d%%", (int) Math.min(100, (100 * done) / total)));
        sb.append(' ').append(counts()).append(' ').append(timing(now, finalLine)).append(tail());
        return sb.toString();
    }

    private String counts() { return total > 0 ? done + "/" + total : Long.toString(done); }

    private String timing(long now, boolean finalLine) {
        double elapsed = Math.max(0, now - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder();
        if (finalLine) {
            sb.append("done in ").append(formatDuration(elapsed));
        } else {
            sb.append("elapsed ").append(formatDuration(elapsed));
            if (total > 0 && done > 0 && done < total && elapsed > 0)
                sb.append(" eta ").append(formatDuration(elapsed / done * (total - done)));
        }
        if (elapsed > 0 && done > 0) {
            double rate = done / elapsed;
            sb.append(rate >= 1 ? String.format(Locale.ROOT, " %.1f it/s", rate) : String.format(Locale.ROOT, " %.1f s/it", 1 / rate));
        }
        return sb.toString();
    }

    private String tail() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : metrics.entrySet()) sb.append("  ").append(e.getKey()).append(' ').append(e.getValue());
        if (!message.isEmpty()) sb.append("  ").append(message.replaceAll("\\p{Cntrl}", " "));
        return sb.toString();
    }

    /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}. */
    static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        long h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    static String formatNumber(double v) {
        double a = Math.abs(v);
        if (v == 0 || !Double.isFinite(v) || (a >= 1e-3 && a < 1e5)) return String.format(Locale.ROOT, "%.4f", v);
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
