package io.medualtime.cli;

import io.medualtime.data.DataChecks;
import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.PtbXl;
import io.medualtime.data.Split;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Dataset preparation: the SYNTHETIC generator, the PTB-XL converter, and a summary of a dataset folder. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Create or inspect datasets in the canonical format (medualtime/src/main/java/io/medualtime/data/FORMAT.md).",
        subcommands = {DataCommand.Synthetic.class, DataCommand.Ptbxl.class, DataCommand.Info.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String OUT_DESCRIPTION = "Dataset folder to write (an existing one is replaced only when it is empty or a dataset).";

    @Override public void run() { spec.commandLine().usage(System.out); }

    @Command(name = "synthetic", mixinStandardHelpOptions = true,
            description = "Generate the SYNTHETIC 12-lead ECG + report dataset (5 PTB-XL-like classes).")
    static final class Synthetic extends JobCommand {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = OUT_DESCRIPTION)
        Path out;
        @Option(names = "--train", defaultValue = "1400", description = "Training records (default ${DEFAULT-VALUE}).")
        int train;
        @Option(names = "--val", defaultValue = "300", description = "Validation records (default ${DEFAULT-VALUE}).")
        int val;
        @Option(names = "--test", defaultValue = "300", description = "Test records (default ${DEFAULT-VALUE}).")
        int test;
        @Option(names = "--seed", description = "Generator seed (default " + 20240611L + ").")
        Long seed;
        @Option(names = "--hz", defaultValue = "100", description = "Sampling rate, 10 s records (default ${DEFAULT-VALUE}).")
        double hz;
        @Option(names = "--noise", defaultValue = "1.0", description = "Noise level multiplier (default ${DEFAULT-VALUE}).")
        double noise;
        @Option(names = "--ambiguity", defaultValue = "0.45",
                description = "Fraction of records with mild / borderline signal findings (default ${DEFAULT-VALUE}).")
        double ambiguity;
        @Option(names = "--uninformative", defaultValue = "0.35",
                description = "Fraction of reports without a diagnostic statement (default ${DEFAULT-VALUE}).")
        double uninformative;
        @Option(names = "--balance", defaultValue = "balanced",
                description = "balanced or ptbxl class frequencies (default ${DEFAULT-VALUE}).")
        String balance;

        @Override int run() throws Exception {
            SyntheticConfig c = SyntheticConfig.DEFAULT.withSizes(train, val, test).withSampling(hz, 10.0).withNoiseLevel(noise)
                    .withAmbiguityRate(ambiguity).withUninformativeReportRate(uninformative)
                    .withBalance(SyntheticConfig.Balance.valueOf(balance.toUpperCase(Locale.ROOT)));
            if (seed != null) c = c.withSeed(seed);
            try (Dataset d = ModelOptions.generate(c, out, out())) {
                out().print(d.summary());
            }
            return 0;
        }
    }

    @Command(name = "ptbxl", mixinStandardHelpOptions = true,
            description = {"Convert PhysioNet's PTB-XL 1.0.x (100 or 500 Hz records) to the canonical format.",
                    "Keeps the single-superclass records; folds 1-8 train, 9 val, 10 test."})
    static final class Ptbxl extends JobCommand {
        @Option(names = "--root", required = true, paramLabel = "DIR",
                description = "PTB-XL folder (ptbxl_database.csv, scp_statements.csv, records100/ or records500/).")
        Path root;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = OUT_DESCRIPTION)
        Path out;
        @Option(names = "--hz", defaultValue = "100",
                description = "100 (records100/, 10 s = 1000 steps) or 500 (records500/, 5000 steps) (default ${DEFAULT-VALUE}).")
        int hz;
        @Option(names = "--likelihood", defaultValue = "0", paramLabel = "X",
                description = "A scp_codes statement counts when its likelihood "
                        + "is >= X, 0..100 (default ${DEFAULT-VALUE}: any listed statement, the PTB-XL benchmark's convention).")
        double likelihood;

        @Override int run() throws Exception {
            long t0 = System.nanoTime();
            if (!(likelihood >= 0 && likelihood <= 100))
                throw new UserError("--likelihood must be in 0..100 (a percentage), got " + likelihood);
            PtbXl.Options o = switch (hz) {
                case 100 -> new PtbXl.Options(false, likelihood);
                case 500 -> new PtbXl.Options(true, likelihood);
                default -> throw new UserError("--hz must be 100 or 500 (the rates PTB-XL ships), got " + hz);
            };
            PtbXl.Summary s = PtbXl.convert(root, out, o);
            out().println(s);
            try (Dataset d = DiskDataset.open(out)) {
                out().print(d.summary());
            }
            out().printf(Locale.ROOT, "converted in %.1fs%n", (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Validate a dataset folder and print its summary.")
    static final class Info extends JobCommand {
        @Parameters(paramLabel = "DIR", description = "Dataset folder (canonical format).")
        Path dir;
        @Option(names = "--verify",
                description = "Also check what a run needs: every split non-empty, every signal value finite (reads all signals).")
        boolean verify;

        @Override int run() throws Exception {
            try (DiskDataset d = DiskDataset.open(dir)) {
                out().print(d.summary());
                if (verify) {
                    Set<Split> all = EnumSet.allOf(Split.class);
                    DataChecks.requireUsable(d, all);
                    out().println(DataChecks.describe(d, all));
                }
            }
            return 0;
        }
    }
}
