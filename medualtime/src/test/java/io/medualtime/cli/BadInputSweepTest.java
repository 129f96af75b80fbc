package io.medualtime.cli;

import io.medualtime.cli.TrainingCommandsTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.medualtime.cli.TrainingCommandsTest.args;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI fed the kinds of bad input issue 15's sweep used: bad option values for each job, and every file of a
 * dataset, a run folder and a GPT-2 folder deleted, emptied, cut in half, overwritten with garbage, given a NaN, or
 * (JSON) replaced by another JSON value. Each case must end either in exit 0 with no NaN/Infinity printed, or in
 * exit 2 with exactly one line {@code error: ...} that is not an "unexpected" exception; never a stack trace. A
 * damaged file that the command reads must be refused (exit 2), not half-read.
 * The table in docs/RELIABILITY.md counts these cases.
 */
class BadInputSweepTest {
    static final Path GPT2 = Path.of("../nn/src/test/resources/fixtures/gpt2-tiny");
    static final Pattern NON_FINITE = Pattern.compile("\\bNaN\\b|\\bInfinity\\b");
    static Path data, runDir, scratch;

    @BeforeAll static void tinyRunAndData(@TempDir Path tmp) {
        System.setProperty("medualtime.progress", "off");
        scratch = tmp;
        data = tmp.resolve("data");
        Run r = run("data", "synthetic", "--out", data.toString(), "--train", "24", "--val", "12", "--test", "12", "--hz", "50");
        assertEquals(0, r.code(), r.err());
        runDir = tmp.resolve("run");
        r = run(args(new String[]{"train", "--data", data.toString(), "--epochs", "1", "--out", runDir.toString()}));
        assertEquals(0, r.code(), r.err());
    }

    /** Exit 0 with finite output, or exit 2 with one foreseen one-line error; {@code what} names the case. */
    static void assertHandled(String what, Run r) {
        if (Boolean.getBoolean("sweep.print"))   // -Dsweep.print=true lists every case's outcome
            System.out.println(
                    "SWEEP " + r.code() + " " + what + " => " + r.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(""));
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception in thread") || all.contains("Caused by:"),
                what + ": stack trace\n" + all);
        if (r.code() == 0) {
            assertFalse(NON_FINITE.matcher(r.out()).find(), what + ": non-finite output\n" + r.out());
            return;
        }
        assertEquals(ErrorLine.EXIT, r.code(), what + "\n" + all);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), what + ": one error line expected\n" + r.err());
        assertFalse(errors.get(0).startsWith("error: unexpected "), what + ": an unforeseen failure\n" + errors.get(0));
    }

    // ---- bad option values -------------------------------------------------------------------------------------

    @TestFactory Stream<DynamicTest> badOptionValues() {
        List<DynamicTest> cases = new ArrayList<>();
        String[] numbers = {"NaN", "-1", "0", "Infinity", "abc", "1e999", "99999999999"};
        Function<String[], String[]> train = more -> with(args(new String[]{"train", "--data", data.toString(), "--epochs", "1",
                "--out", scratch.resolve("opt-" + cases.size()).toString()}), more);
        for (String opt : new String[]{"--lr", "--gamma", "--weight-decay", "--dropout", "--batch-size", "--patch-len", "--stride"})
            for (String v : numbers) cases.add(option("train " + opt + " " + v, train.apply(new String[]{opt, v})));
        for (String v : new String[]{"NaN", "-1", "0", "abc", "99999999999"}) {
            cases.add(option("train --epochs " + v, args(new String[]{"train", "--data", data.toString(), "--epochs", v,
                    "--out", scratch.resolve("ep-" + cases.size()).toString()})));
            cases.add(option("train --seed " + v, train.apply(new String[]{"--seed", v})));
            cases.add(option("--threads " + v, new String[]{"--threads", v, "data", "info", data.toString()}));
        }
        for (String[] bad : new String[][]{{"--label", "bogus"}, {"--mode", "bogus"}, {"--lm-width", "33"}, {"--lm-heads", "0"},
                {"--adapter-tokens", "-1"}, {"--temenc-width", "0"}, {"--data", "/nonexistent"},
                {"--data", GPT2.resolve("config.json").toString()},
                {"--out", GPT2.resolve("config.json").toString()}, {"--schedule", "bogus"}, {"--select", "bogus"}})
            cases.add(option("train " + String.join(" ", bad), train.apply(bad)));
        for (String v : new String[]{"NaN", "-1", "0", "abc", "99999999999"})
            for (String opt : new String[]{"--train", "--hz"})
                cases.add(option("data synthetic " + opt + " " + v, new String[]{"data", "synthetic", "--out",
                        scratch.resolve("syn-" + cases.size()).toString(), opt, v}));
        for (String[] g : new String[][]{{"--temperature", "NaN"}, {"--temperature", "-1"}, {"--temperature", "Infinity"},
                {"--top-k", "-1"}, {"--max-new", "-1"}, {"--max-new", "99999999999"}, {"--model", "/nonexistent"}})
            cases.add(option("gpt2 generate " + String.join(" ", g), with(new String[]{"gpt2", "generate", "--model", GPT2.toString(),
                    "--prompt", "The heart", "--max-new", "2"}, g)));
        for (String[] e : new String[][]{{"eval", "--run", "/nonexistent"}, {"eval", "--run", data.toString()},
                {"eval", "--run", runDir.toString(), "--data", "/nonexistent"},
                {"predict", "--run", runDir.toString(), "--data", data.toString(), "--format", "bogus"},
                {"data", "info", "/nonexistent"}, {"report", "/nonexistent"}, {"report", data.toString()}})
            cases.add(option(String.join(" ", e), e));
        return cases.stream();
    }

    static DynamicTest option(String name, String[] args) {
        return DynamicTest.dynamicTest(name, () -> assertHandled(name, run(args)));
    }

    // ---- damaged files -----------------------------------------------------------------------------------------

    /** A way to damage a file; returns false where it does not apply (a NaN only in binary float files). */
    interface Damage {
        boolean apply(Path file) throws IOException;
    }

    static final Damage[] DAMAGES = {
            f -> { Files.delete(f); return true; },
            f -> { Files.write(f, new byte[0]); return true; },
            f -> {
                byte[] b = Files.readAllBytes(f);
                Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
                return true;
            },
            f -> { byte[] b = Files.readAllBytes(f); new Random(7).nextBytes(b); Files.write(f, b); return true; },
            f -> {
                Files.write(f, "\u0000garbage\r\n\u001b[2J".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
                return true;
            },
            f -> jsonValue(f, "null"), f -> jsonValue(f, "[]"), f -> jsonValue(f, "{}"), f -> jsonValue(f, "{\"a\":" + "[".repeat(5000)),
            BadInputSweepTest::nanInTheMiddle,
    };
    static final String[] DAMAGE_NAMES = {"deleted", "empty", "cut in half", "random bytes", "control characters appended",
            "null", "[]", "{}", "nested 5000 deep", "a NaN in the middle"};

    static boolean jsonValue(Path f, String text) throws IOException {
        if (!f.toString().endsWith(".json")) return false;
        Files.writeString(f, text);
        return true;
    }

    /** A float NaN 4-aligned past the file's middle (past a safetensors header: its last quarter). */
    static boolean nanInTheMiddle(Path f) throws IOException {
        String n = f.getFileName().toString();
        if (!n.endsWith(".f32") && !n.endsWith(".safetensors")) return false;
        byte[] b = Files.readAllBytes(f);
        int at = (b.length * 3 / 4) & ~3;
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        Files.write(f, b);
        return true;
    }

    @TestFactory Stream<DynamicTest> damagedFiles() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        for (String file : List.of("dataset.json", "records.csv", "signals.f32"))
            damage(cases, data, "data", file, copy -> new String[][]{{"data", "info", "--verify", copy.toString()},
                    {"eval", "--run", runDir.toString(), "--data", copy.toString()}});
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".html") || name.endsWith(".log")) continue;   // outputs nothing reads back
                damage(cases, runDir, "run", name, copy -> new String[][]{{"eval", "--run", copy.toString()},
                        {"predict", "--run", copy.toString(), "--data", data.toString(), "--out", copy.resolve("p.csv").toString()}});
            }
        }
        for (String file : List.of("config.json", "model.safetensors"))
            damage(cases, GPT2, "gpt2", file, copy -> new String[][]{{"gpt2", "generate", "--model", copy.toString(),
                    "--prompt", "The heart", "--max-new", "2"}});
        return cases.stream();
    }

    /** Files a run writes for people, which nothing reads back: damaging them changes no result. */
    static final java.util.Set<String> OUTPUTS = java.util.Set.of("metrics.json");

    /** For each damage to {@code file}: a fresh copy of {@code folder} with it applied, then each command on the copy. */
    static void damage(List<DynamicTest> cases, Path folder, String kind, String file, Function<Path, String[][]> commands) {
        for (int d = 0; d < DAMAGES.length; d++) {
            Damage damage = DAMAGES[d];
            String name = kind + "/" + file + " " + DAMAGE_NAMES[d];
            Path copy = scratch.resolve("damaged-" + cases.size());
            cases.add(DynamicTest.dynamicTest(name, () -> {
                copyFolder(folder, copy);
                if (!damage.apply(copy.resolve(file))) return;
                for (String[] command : commands.apply(copy)) {
                    Run r = run(command);
                    assertHandled(name + ": " + String.join(" ", command), r);
                    if (!OUTPUTS.contains(file))
                        assertEquals(ErrorLine.EXIT, r.code(), name + ": a damaged input was accepted\n" + r.out());
                }
            }));
        }
    }

    static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }

    /** {@code args} with each option of {@code pairs} (option, value, ...) set: replaced where present, else appended. */
    static String[] with(String[] args, String... pairs) {
        List<String> r = new ArrayList<>(List.of(args));
        for (int i = 0; i < pairs.length; i += 2) {
            int at = r.indexOf(pairs[i]);
            if (at >= 0) r.set(at + 1, pairs[i + 1]);
            else {
                r.add(pairs[i]);
                r.add(pairs[i + 1]);
            }
        }
        return r.toArray(new String[0]);
    }
}
