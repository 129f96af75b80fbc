package io.medualtime.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;

import static io.medualtime.cli.TrainingCommandsTest.Run;
import static io.medualtime.cli.TrainingCommandsTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** What --help and --version say, for every command. */
class CliHelpTest {

    /** Every command of the CLI, the root first. */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        return all;
    }

    private static void collect(CommandLine c, List<CommandLine> all) {
        all.add(c);
        for (CommandLine sub : c.getSubcommands().values()) if (!sub.getCommandName().equals("help")) collect(sub, all);
    }

    @Test void demoHelpShowsTheDefaultsTheDemoRunsWith() {
        String demo = run("demo", "--help").out(), train = run("train", "--help").out();
        assertTrue(train.contains("Epochs (default 40)"), train);
        assertTrue(demo.contains("Epochs (default 12)"), demo);
        assertTrue(demo.contains("learning rate (default 1e-2)"), demo);
        assertTrue(demo.contains("(default 8)"), demo);
        assertTrue(demo.contains("(default 800,200,300)"), demo);

        CommandLine cl = new CommandLine(new Main());
        cl.parseArgs("demo");
        DemoCommand d = cl.getSubcommands().get("demo").getCommand();
        assertEquals(12, d.t.epochs);
        assertEquals(1e-2, d.t.lr);
        assertEquals(8, d.m.temEncWidth);
        assertEquals(0.9, d.t.gamma);
        assertEquals(List.of(800, 200, 300), d.m.syntheticSizes);
        assertEquals(128, d.m.lmWidth, "options without a demo default keep train's");
        cl = new CommandLine(new Main());
        cl.parseArgs("demo", "--epochs", "3");
        assertEquals(3, ((DemoCommand) cl.getSubcommands().get("demo").getCommand()).t.epochs);
    }

    @Test void versionIsPrintedByEveryCommand() {
        for (CommandLine c : commands()) {
            List<String> path = new ArrayList<>();
            for (CommandLine x = c; x.getParent() != null; x = x.getParent()) path.add(0, x.getCommandName());
            path.add("--version");
            Run r = run(path.toArray(new String[0]));
            assertEquals(0, r.code(), String.join(" ", path));
            assertEquals(Main.VERSION, r.out().strip(), String.join(" ", path));
        }
    }

    @Test void everySummaryIsASentenceAndEveryOptionIsDescribed() {
        for (CommandLine c : commands()) {
            CommandSpec s = c.getCommandSpec();
            String[] d = s.usageMessage().description();
            assertTrue(d.length > 0, s.qualifiedName());
            String summary = d[0].strip();
            assertTrue(summary.endsWith("."), s.qualifiedName() + ": the summary in the command list is cut: " + summary);
            List<ArgSpec> args = new ArrayList<>(s.options());
            args.addAll(s.positionalParameters());
            for (ArgSpec a : args)
                assertTrue(a.description().length > 0 && !a.description()[0].isBlank(),
                        s.qualifiedName() + " " + a + " has no description");
            String usage = c.getUsageMessage();
            assertFalse(usage.replace("io/medualtime/data/FORMAT.md", "").contains("FORMAT.md"),
                    s.qualifiedName() + " points at a wrong FORMAT.md: " + usage);
            assertFalse(usage.contains("pretrained GPT-2 weights"), s.qualifiedName() + ": " + usage);
        }
    }
}
