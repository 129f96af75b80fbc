package io.medualtime.cli;

import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.ResumeState;
import io.medualtime.train.RunFolder;
import io.medualtime.train.SameRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI in a child JVM, killed with SIGKILL at random points (several times) and continued with
 * {@code train --resume RUN} each time, ends with the same model.safetensors bytes and the same metrics.json (but
 * for wall-clock times) as a run that was never killed, and leaves no temporary file behind.
 */
class ResumeAfterKillTest {
    static final String[] TINY = {"--lm-width", "32", "--lm-layers", "1", "--lm-heads", "2", "--temenc-width", "4", "--adapter-tokens",
            "2"};

    /** {@code java -cp <test classpath> Main --threads 1 <args>}, progress off; the process is started, not awaited. */
    static Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dmedualtime.cuda.emulate=never", "-Dmedualtime.progress=off",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--threads", "1"));
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static int finish(Process p) throws Exception {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        return p.exitValue();
    }

    static List<String> tempFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList();
        }
    }

    /** Waits until the run writes a checkpoint newer than {@code since} (true) or the process exits (false). */
    static boolean awaitCheckpoint(Process p, Path run, FileTime since) throws Exception {
        Path ck = run.resolve(ResumeState.FILE);
        while (p.isAlive()) {
            if (Files.exists(ck) && (since == null || Files.getLastModifiedTime(ck).compareTo(since) > 0)) return true;
            Thread.sleep(10);
        }
        return false;
    }

    static FileTime modified(Path f) throws Exception { return Files.exists(f) ? Files.getLastModifiedTime(f) : null; }

    static void kill(Process p) throws Exception {
        p.destroyForcibly();   // SIGKILL: no shutdown hook, no finally block runs
        finish(p);
    }

    @Test void killedAtRandomPointsAndResumedEndsAsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path data = SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(24, 12, 12).withSampling(50, 10), tmp.resolve("data"));
        Path log = tmp.resolve("log.txt");
        List<String> args = new ArrayList<>(
                List.of("train", "--data", data.toString(), "--epochs", "4", "--batch-size", "6", "--lr", "3e-3",
                        "--seed", "4"));
        args.addAll(Arrays.asList(TINY));
        Path straight = tmp.resolve("straight"), killed = tmp.resolve("killed");
        Process reference = start(tmp.resolve("reference.txt"), concat(args, "--out", straight.toString()));
        Random random = new Random(12345);

        // kill 1: anywhere in the start-up or the first epoch (even before the run folder holds anything)
        Process p = start(log, concat(args, "--out", killed.toString()));
        if (!p.waitFor(random.nextInt(3000), TimeUnit.MILLISECONDS)) kill(p);
        p = Files.isRegularFile(killed.resolve(RunFolder.METRICS_FILE))
                ? start(log, "train", "--resume", killed.toString())
                : start(log, concat(args, "--out", killed.toString()));
        // kills 2 and 3: at a random moment after a new epoch's checkpoint (mid-epoch, mid-validation or mid-write)
        int kills = 1;
        for (int i = 0; i < 2; i++) {
            if (!awaitCheckpoint(p, killed, modified(killed.resolve(ResumeState.FILE)))) break;
            if (p.waitFor(random.nextInt(400), TimeUnit.MILLISECONDS)) break;
            kill(p);
            kills++;
            p = start(log, "train", "--resume", killed.toString());
        }
        assertEquals(0, finish(p), () -> read(log));
        assertEquals(0, finish(reference), () -> read(tmp.resolve("reference.txt")));
        assertTrue(kills >= 2 && read(log).contains("resuming after epoch"), read(log));

        SameRun.assertSameRun(straight, killed, ModelSpec.CHECKPOINT, ModelSpec.FILE);
        MetricsFile m = RunFolder.readMetrics(killed);
        assertEquals(MetricsFile.COMPLETED, m.status());
        assertEquals(List.of(concat(args.subList(1, args.size()), "--out", killed.toString())),
                List.of(m.arguments().toArray(new String[0])),
                "the recorded arguments are the run's own");
        assertEquals(List.of(), tempFiles(killed), "temporary files left behind");
        assertFalse(Files.exists(killed.resolve(ResumeState.FILE)));
    }

    static String[] concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
