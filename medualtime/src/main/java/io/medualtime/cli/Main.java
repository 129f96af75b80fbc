package io.medualtime.cli;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code ./medualtime} launcher: one subcommand per job. */
@Command(name = "medualtime", mixinStandardHelpOptions = true, version = Main.VERSION, scope = CommandLine.ScopeType.INHERIT,
        description = "MedualTime: a dual-adapter GPT-2 for ECG + report learning, on a pure-Java deep-learning stack.",
        subcommands = {DemoCommand.class, TrainCommand.class, TransferCommand.class, PretrainCommand.class, EvalCommand.class, PredictCommand.class, ReportCommand.class, ImportCommand.class, DataCommand.class, Gpt2Command.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** What --version prints, on every command (the Command scope INHERIT gives it to the subcommands). */
    static final String VERSION = "medualtime 0.1.0";

    @Option(names = "--threads", description = "CPU threads (default: all cores)", scope = CommandLine.ScopeType.INHERIT)
    void threads(int n) { Parallel.setThreads(n); }

    @Override public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        CliLogging.install();
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    /** One line saying which CPU kernels run, printed by long jobs. */
    static String backendLine() {
        return "[medualtime] CPU backend: " + (VectorSupport.available() ? "Vector API" : "scalar") + " kernels, "
                + Parallel.threads() + " threads";
    }
}
