package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.report.RunReport;
import io.medualtime.tensor.Device;
import io.medualtime.train.BootstrapCI;
import io.medualtime.train.LabelKind;
import io.medualtime.train.Mode;
import io.medualtime.train.RunFolder;
import io.medualtime.train.SummaryTable;
import io.medualtime.train.SupervisedTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded default job: no downloads, no weights. Generates the SYNTHETIC dataset, builds a small
 * GPT-2-architecture LM with RANDOM weights (not pretrained GPT-2), trains the dual model and the two
 * single-modality ablations with the supervised protocol, and prints their test metrics side by side.
 * With {@code --lm DIR} the same job uses real GPT-2 weights, with {@code --data DIR} a real dataset.
 * The demo scale (see docs/TRAINING.md) is chosen to finish in a few minutes on 2 CPU cores; every knob of
 * {@code train} can override it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, defaultValueProvider = DemoCommand.DemoDefaults.class, description = {
        "Runs the embedded default job (no downloads needed): the dual model vs the ECG-only and report-only ablations.",
        "SYNTHETIC data, a small RANDOM-init GPT-2-architecture LM; test accuracy / macro-F1 with 95%% CIs side by side.",
        "Its defaults (shown below) are the demo scale, smaller than train's."})
final class DemoCommand extends JobCommand {
    @Mixin
    ModelOptions m;
    @Mixin
    TrainCommand.TrainingOptions t;
    @Option(names = "--modes", defaultValue = "dual,ts-only,text-only", split = ",",
            description = "Modes to train (default ${DEFAULT-VALUE}).")
    List<String> modes;
    @Option(names = "--overwrite", description = "Replace the demo in an existing --out folder (its files are deleted first).")
    boolean overwrite;

    /** The demo scale: the demo's defaults where they differ from train's (measured in docs/TRAINING.md). */
    static final Map<String, String> DEMO_DEFAULTS = new LinkedHashMap<>();
    static {
        DEMO_DEFAULTS.put("--synthetic-sizes", "800,200,300");
        DEMO_DEFAULTS.put("--temenc-width", "8");
        DEMO_DEFAULTS.put("--epochs", "12");
        DEMO_DEFAULTS.put("--lr", "1e-2");
        DEMO_DEFAULTS.put("--gamma", "0.9");
    }

    /** Gives the demo's options {@link #DEMO_DEFAULTS} (so --help shows what runs); every other option keeps train's default. */
    public static final class DemoDefaults implements CommandLine.IDefaultValueProvider {
        @Override public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return arg instanceof CommandLine.Model.OptionSpec o ? DEMO_DEFAULTS.get(o.longestName()) : null;
        }
    }

    @Override int run() throws Exception {
        long t0 = System.nanoTime();
        PrintStream log = out();
        Device device = m.device();
        List<Mode> ms = new ArrayList<>();
        for (String s : modes) ms.add(Mode.parse(s.strip()));
        LabelKind label = t.labelKind();
        t.options(label);   // bad option values fail before anything is written
        RunFolder root = RunOptions.folder("demo", m, overwrite);
        log.println("================================================================================");
        log.println(" MedualTime demo");
        log.println(" " + Main.backendLine());
        log.println(" data : " + (m.data != null
                ? m.data.toString()
                : "SYNTHETIC ECG + report dataset, generated now ("
                        + m.syntheticSizes.get(0) + "/" + m.syntheticSizes.get(1) + "/" + m.syntheticSizes.get(2) + " records, "
                        + (int) m.syntheticHz + " Hz x 10 s, 12 leads) -- NOT real patients"));
        log.println(" LM   : " + (m.lm != null
                ? "weights from " + m.lm
                : "GPT-2-architecture LM, RANDOM initialisation, NOT pretrained GPT-2 (" + m.lmLayers + " layers, width " + m.lmWidth + ", "
                        + m.lmHeads + " heads)"));
        log.println(
                " model: MedualTime, TemEnc width " + m.temEncWidth + (m.temEncWidth != 64 ? " (official: 64; narrowed for CPU speed)" : "")
                        + ", " + t.epochs + " epochs, batch " + t.batchSize + ", AdamW lr " + t.lr + ", label " + label.cliName());
        log.println(" runs : " + ms.stream().map(x -> x.cliName() + " = " + x.describe()).toList());
        log.println(" out  : " + root.dir());
        log.println("================================================================================");
        Map<Mode, SupervisedTrainer.Result> results = new LinkedHashMap<>();
        try (Dataset data = m.openData(root.dir(), log)) {
            if (m.data == null) m.data = m.dataFolder(root.dir()); // the runs record where their data is
            for (Mode mode : ms) {
                log.println();
                log.println("---- " + mode.cliName() + ": " + mode.describe() + " ----");
                RunFolder run = RunFolder.at(root.dir().resolve(mode.cliName()));
                results.put(mode, TrainCommand.trainOne(new TrainCommand.Job("demo " + mode.cliName(), null, label, mode), m, t, data, run,
                        device, log));
            }
            SummaryTable table = new SummaryTable(
                    "MedualTime demo: supervised, " + label.classNames(data).size() + " classes (" + label.cliName() + "), test split");
            for (Map.Entry<Mode, SupervisedTrainer.Result> e : results.entrySet())
                table.add(e.getKey().cliName() + " (" + shortDescription(e.getKey()) + ")", e.getValue().metrics());
            log.println();
            log.println("================================================================================");
            log.print(table.render());
            verdict(log, results);
            log.println();
            for (Map.Entry<Mode, SupervisedTrainer.Result> e : results.entrySet())
                log.println("metrics.json (" + e.getKey().cliName() + "): "
                        + root.dir().resolve(e.getKey().cliName()).resolve(RunFolder.METRICS_FILE));
            log.printf(Locale.ROOT, "total time %.0fs (%s)%n", (System.nanoTime() - t0) / 1e9,
                    Main.backendLine().replace("[medualtime] ", ""));
            log.println(
                    "next: bin/medualtime eval --run " + root.dir().resolve("dual") + "   |   docs/TRAINING.md for real data and GPT-2");
        }
        RunReport.writeOrWarn(root.dir(), log);   // after the results are on disk: a report failure is one warning line
        return 0;
    }

    static String shortDescription(Mode m) {
        return switch (m) {
            case DUAL -> "ECG + report";
            case TS_ONLY -> "ECG only";
            case TEXT_ONLY -> "report only";
            case TS_PRIMARY -> "ts-primary, both";
            case TEXT_PRIMARY -> "text-primary, both";
        };
    }

    /** Says, from the numbers, whether the dual model beat the single-modality runs (never assumed). */
    static void verdict(PrintStream log, Map<Mode, SupervisedTrainer.Result> r) {
        SupervisedTrainer.Result dual = r.get(Mode.DUAL);
        if (dual == null) return;
        BootstrapCI d = dual.metrics().test().ci();
        for (Mode other : List.of(Mode.TS_ONLY, Mode.TEXT_ONLY)) {
            SupervisedTrainer.Result o = r.get(other);
            if (o == null) continue;
            BootstrapCI c = o.metrics().test().ci();
            double da = d.accuracy().estimate() - c.accuracy().estimate(), df = d.macroF1().estimate() - c.macroF1().estimate();
            log.printf(Locale.ROOT, "dual vs %-9s: accuracy %+.4f, macro-F1 %+.4f%s%n", other.cliName(), da, df,
                    da > 0 && d.accuracy().lower() > c.accuracy().estimate()
                            ? "  (dual better; its CI lies above the ablation's estimate)"
                            : da > 0 ? "  (dual better, within sampling noise)" : "  (dual NOT better)");
        }
    }
}
