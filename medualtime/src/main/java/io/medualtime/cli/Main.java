package io.medualtime.cli;

import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.tensor.cpu.VectorSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;

/** Entry point of the {@code ./medualtime} launcher: one subcommand per job. */
@Command(name = "medualtime", mixinStandardHelpOptions = true, version = Main.VERSION, scope = CommandLine.ScopeType.INHERIT,
        description = "MedualTime: a dual-adapter GPT-2 for ECG + report learning, on a pure-Java deep-learning stack.",
        subcommands = {DemoCommand.class, TrainCommand.class, TransferCommand.class, PretrainCommand.class, EvalCommand.class,
                PredictCommand.class, ReportCommand.class, ImportCommand.class, DataCommand.class, Gpt2Command.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** What --version prints, on every command (the Command scope INHERIT gives it to the subcommands). */
    static final String VERSION = "medualtime 0.1.0";

    @Spec
    CommandSpec spec;
    private boolean debug;

    @Option(names = "--threads", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
            description = "CPU threads (default: all cores; at most 4 per core)") void threads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        int used = Parallel.setThreads(n);
        if (used != n)
            System.err.println("[medualtime] --threads " + n + " is more than " + Parallel.maxThreads() / Parallel.cores()
                    + " per core (" + Parallel.cores() + " cores here): using " + used);
    }

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace above the one-line error (also: " + ErrorLine.DEBUG_ENV + "=1)") void debug(
                    boolean on) {
        debug = on;
    }

    /** Whether {@code --debug} was given to the CLI that runs {@code command}. */
    static boolean debug(CommandSpec command) {
        return command.root().userObject() instanceof Main m && m.debug;
    }

    @Override public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        CliLogging.install();
        System.exit(commandLine().execute(args));
    }

    /**
     * The CLI with its one error path: every failure of every command (exceptions and errors such as
     * OutOfMemoryError alike) becomes one line {@code error: ...} on stderr and exit code 2, and so
     * does a bad option (with a pointer to {@code --help} instead of the whole usage text).
     */
    static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (CommandLine.ExecutionException | CommandLine.ParameterException e) {
                throw e;
            } catch (Error e) {                 // picocli hands on only exceptions
                List<CommandLine> chain = parsed.asCommandLineList();
                throw new CommandLine.ExecutionException(chain.get(chain.size() - 1), String.valueOf(e), e);
            }
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> ErrorLine.report(e, command, main.debug));   // jobs report their own
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            if (main.debug) e.printStackTrace(command.getErr());
            command.getErr().println("error: " + e.getMessage() + " (see " + command.getCommandSpec().qualifiedName() + " --help)");
            command.getErr().flush();
            return ErrorLine.EXIT;
        });
        return cl;
    }

    /** One line saying which CPU kernels run, printed by long jobs. */
    static String backendLine() {
        return "[medualtime] CPU backend: " + (VectorSupport.available() ? "Vector API" : "scalar") + " kernels, "
                + Parallel.threads() + " threads";
    }
}
