package io.medualtime.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {

    /** A fake clock: time moves only when the test says so. */
    static final class FakeClock {
        long nanos = 1_000_000_000L;
        void advanceSeconds(double s) { nanos += (long) (s * 1e9); }
        long now() { return nanos; }
    }

    static void assertPlainText(String out) {
        for (char c : out.toCharArray()) {
            assertNotEquals('\r', c, "carriage return in plain output");
            assertNotEquals((char) 27, c, "ANSI escape in plain output");
            assertTrue(c == '\n' || (c >= 32 && c < 127), "non-ASCII or control character " + (int) c);
        }
    }

    @Test void plainPrintsOneLinePerTenPercentWithoutRedrawing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.builder("epoch 1/40", 200).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.PLAIN).clock(clock::now).build()) {
            for (int i = 0; i < 200; i++) {
                clock.advanceSeconds(0.01);
                p.metric("loss", 1.0 / (i + 1));
                p.step();
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertPlainText(out);
        List<String> lines = out.lines().toList();
        assertEquals(10, lines.size(), out); // 10%, 20%, ..., 90%, and the closing summary
        assertTrue(lines.get(0).startsWith("epoch 1/40:  10% 20/200 elapsed 0:00 eta 0:02"), lines.get(0));
        assertTrue(lines.get(0).endsWith("loss 0.0500"), lines.get(0));
        assertTrue(lines.get(8).startsWith("epoch 1/40:  90% 180/200"), lines.get(8));
        assertTrue(lines.get(9).startsWith("epoch 1/40: 100% 200/200 done in 0:02 100.0 it/s"), lines.get(9));
        assertTrue(lines.get(9).endsWith("loss 0.0050"), lines.get(9));
    }

    @Test void plainAlsoPrintsEveryIntervalWhileMoving() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        Progress p = Progress.builder("eval", 100).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.PLAIN).clock(clock::now).percentStep(50).plainIntervalSeconds(10).build();
        for (int i = 0; i < 10; i++) { // 10 steps of 3 s: 30 s, under 10%
            clock.advanceSeconds(3);
            p.step();
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        // lines at 12 s, 24 s (the first step at or after each 10 s since the last line)
        assertEquals(2, out.lines().count(), out);
        assertTrue(out.lines().findFirst().orElseThrow().contains("4/100 elapsed 0:12 eta 4:48 3.0 s/it"), out);
        p.close();
        p.close(); // idempotent
        assertEquals(3, bytes.toString(StandardCharsets.UTF_8).lines().count());
        assertPlainText(bytes.toString(StandardCharsets.UTF_8));
    }

    @Test void unknownTotalShowsCountsOnly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.builder("read", 0).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.PLAIN).clock(clock::now).build()) {
            for (int i = 0; i < 25; i++) {
                clock.advanceSeconds(1);
                p.step();
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("read: 10 elapsed 0:10 1.0 it/s", "read: 20 elapsed 0:20 1.0 it/s", "read: 25 done in 0:25 1.0 it/s"), lines);
    }

    @Test void ttyRedrawsInPlaceWithoutAnsiAndEndsWithNewline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.builder("train", 10).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.TTY).clock(clock::now).barWidth(10).ttyColumns(200).build()) {
            for (int i = 0; i < 10; i++) {
                clock.advanceSeconds(1);
                p.metric("loss", 0.4321);
                p.step();
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\u001b"), "no ANSI codes");
        assertTrue(out.startsWith("\r"));
        assertTrue(out.endsWith(System.lineSeparator()));
        assertEquals(1, out.chars().filter(c -> c == '\n').count());
        assertTrue(out.contains("\rtrain  50% [#####>    ] 5/10 elapsed 0:05 eta 0:05 1.0 it/s  loss 0.4321"), out);
        assertTrue(out.contains("\rtrain 100% [##########] 10/10"), out);
    }

    @Test void ttyLineFitsTheTerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        Progress p = Progress.builder("train", 10).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.TTY).clock(clock::now).ttyColumns(60).build();
        clock.advanceSeconds(1);
        p.metric("loss", 0.4321);
        p.step();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\rtrain  10% 1/10 elapsed 0:01 eta 0:09 1.0 it/s  loss 0.4321", out); // 56 chars: bar dropped
        p.message("a long message that cannot fit in sixty columns at all");
        clock.advanceSeconds(1);
        p.step();
        String second = bytes.toString(StandardCharsets.UTF_8).substring(out.length());
        assertEquals(61, second.length()); // \r + 60
        assertFalse(second.contains("["));
    }

    @Test void ttyIsRateLimited() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (Progress p = Progress.builder("train", 1000).out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .display(Progress.Display.TTY).clock(clock::now).build()) {
            for (int i = 0; i < 1000; i++) {
                clock.advanceSeconds(0.001); // 1 ms per step, 100 ms refresh: ~10 redraws
                p.step();
            }
        }
        long redraws = bytes.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 14, "redraws " + redraws);
    }

    @Test void offPrintsNothingAndLineIsAvailable() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = Progress.builder("x", 4).out(new PrintStream(bytes)).display(Progress.Display.OFF).build()) {
            p.step(3);
            p.message("val");
            assertTrue(p.line().startsWith("x:  75% 3/4"), p.line());
            assertTrue(p.line().endsWith("  val"));
        }
        assertEquals(0, bytes.size());
    }

    @Test void formatting() {
        assertEquals("0:07", Progress.formatDuration(7.2));
        assertEquals("12:34", Progress.formatDuration(754));
        assertEquals("1:02:03", Progress.formatDuration(3723));
        assertEquals("0.4321", Progress.formatNumber(0.43214));
        assertEquals("1.000e-05", Progress.formatNumber(1e-5));
        assertEquals("NaN", Progress.formatNumber(Double.NaN));
    }

    /** The real detection, in a child JVM whose stdin/stdout/stderr are pipes (as in CI). */
    @Test void detectsPipedStderrInAChildJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName());
        pb.environment().remove("MEDUALTIME_PROGRESS");
        pb.redirectErrorStream(false);
        Process proc = pb.start();
        proc.getOutputStream().close();
        byte[] err = proc.getErrorStream().readAllBytes();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), new String(err, StandardCharsets.UTF_8));
        assertEquals("PLAIN", new String(out, StandardCharsets.UTF_8).strip());
        String e = new String(err, StandardCharsets.UTF_8);
        assertPlainText(e);
        assertEquals(10, e.lines().count(), e);
    }

    /** Child process of {@link #detectsPipedStderrInAChildJvm}. */
    public static final class Child {
        public static void main(String[] args) {
            try (Progress p = Progress.start("child", 50)) {
                System.out.println(p.display());
                for (int i = 0; i < 50; i++) {
                    p.metric("loss", 0.5);
                    p.step();
                }
            }
        }
    }
}
