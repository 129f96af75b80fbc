package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.report.RunReport;
import io.medualtime.tensor.Device;
import io.medualtime.train.LabelKind;
import io.medualtime.train.LinearProbe;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.RunFolder;
import io.medualtime.train.RunPaths;
import io.medualtime.train.SavedRun;
import io.medualtime.train.Session;
import io.medualtime.train.SummaryTable;
import io.medualtime.train.SupervisedTrainer;
import io.medualtime.train.TransferTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Few-shot coarse -> fine label transfer. */
@Command(name = "transfer", mixinStandardHelpOptions = true, description = {
        "Few-shot label transfer, coarse (4 classes) -> fine (5 classes).",
        "Trains on the coarse label (or --checkpoint a coarse run), LOADS the best checkpoint, freezes, embeds every split,",
        "then fits a new linear head on the fine label with K records per class."})
final class TransferCommand extends RunOptions.Resumable {
    @Mixin
    ModelOptions m;
    @Mixin
    TrainCommand.TrainingOptions t;
    @Mixin
    PinOptions pins;   // --checkpoint: the overrides of the base run's fingerprints
    @Mixin
    RunOptions runs;
    @Option(names = "--checkpoint", paramLabel = "RUN_DIR",
            description = "A finished run (train --label coarse) to start from instead of training; "
                    + "--lm / --bert / --data then say where its LM, text encoder and data are now (default: where its run.json says).")
    Path checkpoint;
    @Option(names = "--k", defaultValue = "5,10,15,20,50,100", split = ",", description = "Records per class (default ${DEFAULT-VALUE}).")
    List<Integer> ks;
    @Option(names = "--probe-epochs", defaultValue = "500", description = "Linear head epochs (default ${DEFAULT-VALUE}).")
    int probeEpochs;
    @Option(names = "--probe-lr", defaultValue = "1e-3", description = "Linear head Adam lr (default ${DEFAULT-VALUE}).")
    double probeLr;
    @Option(names = "--probe-batch-size", defaultValue = "128", description = "Linear head batch size (default ${DEFAULT-VALUE}).")
    int probeBatch;
    @Option(names = "--probe-step", defaultValue = "50", description = "StepLR step size in epochs (default ${DEFAULT-VALUE}).")
    int probeStep;
    @Option(names = "--probe-gamma", defaultValue = "0.9", description = "StepLR gamma (default ${DEFAULT-VALUE}).")
    double probeGamma;
    @Option(names = "--sampling", description = "How the K records per class are drawn: independent (per K, from --seed) or nested "
            + "(the official draw: seed 42 + class, the K=5 set inside the K=10 set) (default independent; nested with --protocol official).")
    String sampling;
    @Option(names = "--draws", defaultValue = "1", description = "Draws of the K records per K; more than 1 adds the mean +- std over "
            + "the draws (default ${DEFAULT-VALUE}).")
    int draws;
    @Mixin
    ProtocolOption protocol;   // official: transfer_exp.sh (stage 1 StepLR x0.3 every 5 epochs, seed 128, nested draws, ...)

    @Override RunOptions runOptions() { return runs; }

    @Override int run() throws Exception {
        PrintStream log = out();
        if (runs.resume != null) return RunOptions.resume(spec, runs.resume, TransferCommand::new, log);
        boolean official = officialProtocol();
        LinearProbe.Options o = new LinearProbe.Options(probeLr, probeStep, probeGamma, probeBatch, probeEpochs);   // bad values fail first
        TransferTrainer.Draws drawing = new TransferTrainer.Draws(nested(official), draws);
        if (official)
            log.println("[transfer] --protocol official: stage 1 " + (checkpoint == null
                    ? t.schedule(LabelKind.COARSE).describe()
                            + ", LM dropout " + m.gptDropout + ", TemEnc init " + m.init
                    : "from --checkpoint") + ", seed " + m.seed + ", K-shot draws " + drawing.describe());
        if (checkpoint == null) t.options(LabelKind.COARSE);
        for (int k : ks) if (k < 1) throw new UserError("--k must be >= 1, got " + k);
        Device device = m.device();
        RunFolder run = runs.open(spec, m);
        Path base;
        Dataset data;
        if (checkpoint != null) {
            ModelSpec spec = SavedRun.spec(checkpoint);
            if (!spec.label().equals("coarse"))
                log.println("[transfer] note: " + checkpoint + " was trained on the " + spec.label() + " label, not coarse");
            Path folder = m.data != null ? m.data : SavedRun.dataFolder(checkpoint);
            if (folder == null) throw new UserError("the checkpoint run does not say which data it used; pass --data DIR");
            data = DiskDataset.open(folder);
            base = checkpoint;
        } else {
            data = m.openData(run.dir(), log);
            RunFolder coarse = RunFolder.at(run.dir().resolve("coarse"));
            base = coarse.dir();
            if (completed(coarse)) {
                log.println("[transfer] step 1 (supervised training on the COARSE label) already completed in " + coarse.dir());
            } else {
                log.println("[transfer] step 1: supervised training on the COARSE label -> " + coarse.dir());
                // the coarse run's data is the transfer run's data
                ModelOptions mm = m;
                if (mm.data == null) mm.data = m.dataFolder(run.dir());
                SupervisedTrainer.Result r = TrainCommand.trainOne(
                        new TrainCommand.Job("transfer (coarse stage)", null, LabelKind.COARSE, t.modeValue()), mm, t, data, coarse, device,
                        log);
                log.println("[transfer] coarse model: selected epoch " + r.metrics().selectedEpoch() + ", test accuracy "
                        + String.format(java.util.Locale.ROOT, "%.4f", r.metrics().test().report().accuracy()));
            }
        }
        try (data) {
            // --checkpoint: --lm / --bert say where the base run's LM / text encoder are now (checked against its pins)
            SavedRun.Folders folders = checkpoint != null ? new SavedRun.Folders(m.lm, m.bert) : SavedRun.Folders.RECORDED;
            Session s = SavedRun.open(base, data, device, pins.trust(), folders, System.err);   // checks the pins, builds the model and LOADS the best checkpoint (model.safetensors)
            log.println("[transfer] loaded the best checkpoint " + base.resolve(ModelSpec.CHECKPOINT)
                    + " (the official code embeds with the last epoch's weights; fixed), frozen");
            s.model.freeze();
            MetricsFile metrics = ModelOptions.metrics("transfer", s.spec, data, m.seed).arguments(runs.recorded(spec))
                    .config("base_run", RunPaths.stored(run.dir(), base.toString()))
                    .config("protocol", official ? "official" : "default");
            MetricsFile baseMetrics = null;
            try {
                baseMetrics = RunFolder.readMetrics(base);
            } catch (RuntimeException ignored) {
                // a checkpoint run without metrics.json
            }
            if (baseMetrics != null && baseMetrics.test() != null) metrics.extra("coarseTest", baseMetrics.test());
            List<TransferTrainer.Shot> shots = TransferTrainer.run(s, ks, o, drawing, m.seed, run, metrics, log);
            run.complete(metrics);
            SummaryTable table = new SummaryTable("Few-shot transfer coarse -> fine (5 classes), test split");
            if (data.isSynthetic()) table.label(SummaryTable.SYNTHETIC_LABEL);
            if (!s.spec.pretrainedLm()) table.label(SummaryTable.RANDOM_LM_LABEL);
            for (TransferTrainer.Shot sh : shots)
                table.add("K=" + sh.k() + " (" + sh.trainRecords() + ")", sh.test().report(), sh.test().ci());
            for (TransferTrainer.Shot sh : shots) if (sh.repeats() != null) table.repeats("K=" + sh.k(), sh.repeats());
            log.println();
            log.print(table.render());
            log.println("metrics: " + run.resolve(RunFolder.METRICS_FILE));
        }
        RunReport.writeOrWarn(run.dir(), log);   // after the results are on disk: a report failure is one warning line
        return 0;
    }

    /**
     * Applies {@code --protocol official} to the options not given explicitly: stage 1 StepLR (5 epochs, x0.3, the
     * schedule's defaults), seed 128 (main_transfer.py's default; transfer_exp.sh passes neither --exp_lr nor --seed),
     * and the model options every official script shares ({@link ModelOptions#officialPreset}).
     */
    private boolean officialProtocol() {
        if (!protocol.official()) return false;
        if (t.schedule == null && t.gamma == null) t.schedule = "step";
        m.officialPreset(spec, OFFICIAL_SEED);
        return true;
    }

    /** main_transfer.py's default --seed. */
    static final long OFFICIAL_SEED = 128;

    private boolean nested(boolean official) {
        if (sampling == null) return official;
        return switch (sampling.toLowerCase(java.util.Locale.ROOT)) {
            case "nested" -> true;
            case "independent" -> false;
            default -> throw new UserError("--sampling must be nested or independent, got '" + sampling + "'");
        };
    }

    /** Whether a stage's run folder holds a completed run (a resumed transfer skips it). */
    static boolean completed(RunFolder stage) {
        if (!java.nio.file.Files.isRegularFile(stage.resolve(RunFolder.METRICS_FILE))) return false;
        return MetricsFile.COMPLETED.equals(RunFolder.readMetrics(stage.dir()).status());
    }
}
