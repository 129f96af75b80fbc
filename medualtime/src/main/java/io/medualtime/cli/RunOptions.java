package io.medualtime.cli;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.ResumeState;
import io.medualtime.train.RunFolder;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The run folder of {@code train}, {@code pretrain} and {@code transfer}: a new one, or {@code --overwrite} an old
 * run, or {@code --resume RUN}. A fresh run records its own arguments in {@code metrics.json} at once (status
 * running); {@code --resume RUN} parses them into a new command of the same kind, which continues from the run's
 * {@link ResumeState last checkpoint} in RUN with the run's thread count.
 */
final class RunOptions {
    /** Options that are not part of what a run is (never recorded, never replayed). */
    private static final Set<String> NOT_RECORDED = Set.of("--resume", "--overwrite", "--threads", "--help", "--version");

    @Option(names = "--overwrite", description = "Replace the run in an existing --out folder (the old run's files are deleted first).")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "RUN", description = "Continue the interrupted run in the folder RUN, with its own options, "
            + "from its last completed epoch; it ends as the run would have without the interruption.")
    Path resume;

    /** Set on the command that continues a run: its folder and recorded arguments. */
    private Path resuming;
    private List<String> resumingArguments;

    /**
     * The command's run folder: RUN when it continues a run, else {@code --out} (refused when it holds files,
     * unless {@code --overwrite}) or {@code runs/<command>-<timestamp>}; a new run's {@code metrics.json} is
     * written at once with the command's arguments.
     */
    RunFolder open(CommandSpec spec, ModelOptions m) {
        if (resuming != null) return RunFolder.open(resuming, RunFolder.Existing.RESUME);
        RunFolder run = folder(spec.name(), m, overwrite);
        run.writeMetrics(
                new MetricsFile().command(spec.name()).arguments(arguments(spec)).threads(Parallel.threads()).status(MetricsFile.RUNNING));
        return run;
    }

    /** {@code --out} (refused when it holds files, unless {@code overwrite}) or a new {@code runs/<name>-<timestamp>}. */
    static RunFolder folder(String name, ModelOptions m, boolean overwrite) {
        if (m.out == null) return RunFolder.create(Path.of("runs"), name);
        Path dir = m.out.toAbsolutePath().normalize();
        if (overwrite && m.data != null && m.data.toAbsolutePath().normalize().startsWith(dir))
            throw new JobCommand.UserError("--overwrite would delete --data " + m.data + ", which lies inside the run folder " + m.out);
        return RunFolder.open(m.out, overwrite ? RunFolder.Existing.OVERWRITE : RunFolder.Existing.REFUSE);
    }

    /** The arguments that {@code --resume} replays: the command's own, or those of the run it continues. */
    List<String> recorded(CommandSpec spec) {
        return resuming != null ? resumingArguments : arguments(spec);
    }

    /** The command's own options as given (without those in {@link #NOT_RECORDED}). */
    static List<String> arguments(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : new LinkedHashSet<>(spec.commandLine().getParseResult().matchedOptions())) {
            if (NOT_RECORDED.contains(o.longestName())) continue;
            if (o.arity().max() == 0) out.add(o.longestName());
            else for (String v : o.originalStringValues()) {
                out.add(o.longestName());
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Runs {@code --resume RUN}: checks that no other option was given and that RUN is an unfinished run of this
     * command, parses its recorded arguments into {@code fresh}, and runs that in RUN. Returns the exit code.
     */
    static int resume(CommandSpec spec, Path dir, Supplier<? extends Resumable> fresh, PrintStream log) throws Exception {
        List<String> others = arguments(spec);
        if (!others.isEmpty())
            throw new JobCommand.UserError("--resume continues " + dir + " with the run's own options; drop " + others.get(0));
        if (!Files.isRegularFile(dir.resolve(RunFolder.METRICS_FILE)))
            throw new JobCommand.UserError(
                    "--resume " + dir + ": no " + RunFolder.METRICS_FILE + " there (not a run folder, or a run that stopped "
                            + "before it started); start the run again with --overwrite");
        MetricsFile saved = RunFolder.readMetrics(dir);
        if (!spec.name().equals(saved.command()))
            throw new JobCommand.UserError("--resume " + dir + ": it is a '" + saved.command() + "' run, not a '" + spec.name() + "' run");
        if (saved.arguments() == null)
            throw new JobCommand.UserError("--resume " + dir + ": its " + RunFolder.METRICS_FILE
                    + " does not record the run's arguments (an older version wrote it)");
        if (MetricsFile.COMPLETED.equals(saved.status())) {
            ResumeState.delete(RunFolder.at(dir));
            log.println("[resume] " + dir + " already completed; nothing to resume (metrics: " + dir.resolve(RunFolder.METRICS_FILE) + ")");
            return 0;
        }
        threads(spec, saved, log);
        Resumable next = fresh.get();
        new CommandLine(next).parseArgs(saved.arguments().toArray(new String[0]));
        next.runOptions().resuming = dir;
        next.runOptions().resumingArguments = saved.arguments();
        log.println("[resume] continuing " + dir + " (" + spec.name() + " " + String.join(" ", saved.arguments()) + ")");
        return next.run();
    }

    /** The run's thread count (its sums run in that order) unless --threads is given, which the notice then flags. */
    private static void threads(CommandSpec spec, MetricsFile saved, PrintStream log) {
        Integer want = saved.threads();
        if (want == null || want == Parallel.threads()) return;
        CommandLine parent = spec.commandLine().getParent();
        boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--threads")
                || parent != null && parent.getParseResult() != null && parent.getParseResult().hasMatchedOption("--threads");
        if (explicit) {
            log.println("[resume] note: the run used " + want + " threads, this continues with " + Parallel.threads()
                    + ": its numbers may differ in the last bits from an uninterrupted run");
        } else {
            Parallel.setThreads(want);
            log.println("[resume] using the run's " + want + " threads");
        }
    }

    /** A command that {@code --resume} can run again from its recorded arguments. */
    abstract static class Resumable extends JobCommand {
        abstract RunOptions runOptions();
    }
}
