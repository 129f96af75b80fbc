package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.Split;
import io.medualtime.report.RunReport;
import io.medualtime.tensor.Device;
import io.medualtime.train.LabelKind;
import io.medualtime.train.LinearProbe;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.Mode;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.PretrainTrainer;
import io.medualtime.train.RunFolder;
import io.medualtime.train.Schedule;
import io.medualtime.train.Selection;
import io.medualtime.train.Session;
import io.medualtime.train.SummaryTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;

/** Unsupervised contrastive pre-training, then a linear probe on the frozen embeddings. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, description = {
        "Unsupervised contrastive pre-training, then a linear probe on the frozen embeddings.",
        "InfoNCE within and across the two passes, augmented ECG views; selection by the validation loss over ALL batches;",
        "the probe is fitted on the normalised, averaged embeddings."})
final class PretrainCommand extends RunOptions.Resumable {
    @Mixin ModelOptions m;
    @Mixin RunOptions runs;
    @Option(names = "--epochs", defaultValue = "4", description = "Epochs (default ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size; the other records of a batch are the negatives (default ${DEFAULT-VALUE}).") int batchSize;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--temperature", defaultValue = "0.1", description = "InfoNCE temperature (default ${DEFAULT-VALUE}).") double temperature;
    @Option(names = "--lambda", defaultValue = "0.1", description = "Weight of the cross-modal terms (default ${DEFAULT-VALUE}).") double lambda;
    @Option(names = "--noise", defaultValue = "0.5", description = "Std of the Gaussian noise of the augmented ECG view (default ${DEFAULT-VALUE}).") double noise;
    @Option(names = "--label", defaultValue = "fine", description = "Label of the linear probe: fine or coarse (default ${DEFAULT-VALUE}).") String label;
    @Option(names = "--probe-epochs", defaultValue = "500", description = "Linear probe epochs (default ${DEFAULT-VALUE}).") int probeEpochs;
    @Option(names = "--probe-lr", defaultValue = "1e-3", description = "Linear probe Adam lr (default ${DEFAULT-VALUE}).") double probeLr;
    @Option(names = "--schedule", defaultValue = "none", description = "Learning rate per epoch: none (constant) or step (StepLR, "
            + "--step-size, --step-gamma; the official unsupervised code halves it every 20 epochs) (default ${DEFAULT-VALUE}).") String schedule;
    @Option(names = "--step-size", description = "StepLR: epochs between decays (default 20).") Integer stepSize;
    @Option(names = "--step-gamma", description = "StepLR: decay factor (default 0.5).") Double stepGamma;
    @Option(names = "--select", defaultValue = "best", description = "Which epoch is kept: best (lowest validation loss over all batches) or last "
            + "(default ${DEFAULT-VALUE}).") String select;

    @Override RunOptions runOptions() { return runs; }

    /** null for a constant learning rate; the step options are refused without {@code --schedule step}. */
    private Schedule schedule() {
        if (schedule.equalsIgnoreCase("none")) {
            if (stepSize != null || stepGamma != null) throw new UserError((stepSize != null ? "--step-size" : "--step-gamma") + " applies to --schedule step");
            return null;
        }
        if (!schedule.equalsIgnoreCase("step")) throw new UserError("--schedule must be none or step for pretrain, got '" + schedule + "'");
        return Schedule.step(stepSize != null ? stepSize : 20, stepGamma != null ? stepGamma : 0.5);
    }

    @Override int run() throws Exception {
        PrintStream log = out();
        if (runs.resume != null) return RunOptions.resume(spec, runs.resume, PretrainCommand::new, log);
        PretrainTrainer.Options o = new PretrainTrainer.Options(epochs, batchSize, lr, temperature, lambda, 0.1, noise, schedule(), Selection.parse(select));
        LinearProbe.Options po = new LinearProbe.Options(probeLr, 50, 0.9, 128, probeEpochs);   // bad values fail before anything is written
        LabelKind probeLabel = LabelKind.parse(label);
        Device device = m.device();
        RunFolder run = runs.open(spec, m);
        try (Dataset data = m.openData(run.dir(), log)) {
            ModelSpec spec = m.spec("pretrain", data, probeLabel, Mode.DUAL);
            ModelOptions.header(log, data, spec, device);
            log.println("[run]  pretrain: contrastive, no labels used until the probe; seed " + m.seed + " -> " + run.dir());
            Session s = new Session(spec, spec.build(), data, device);
            MetricsFile metrics = ModelOptions.metrics("pretrain", spec, data, m.seed).arguments(runs.recorded(this.spec))
                    .config("data_folder", m.recordedDataFolder(run.dir()));
            PretrainTrainer.Result r = PretrainTrainer.train(s, o, m.seed, run, metrics, log);

            int[] tr = data.indices(Split.TRAIN), va = data.indices(Split.VAL), te = data.indices(Split.TEST);
            float[][] xTr = PretrainTrainer.features(s, r.heads(), tr, "probe features train");
            float[][] xVa = PretrainTrainer.features(s, r.heads(), va, "probe features val");
            float[][] xTe = PretrainTrainer.features(s, r.heads(), te, "probe features test");
            long t0 = System.nanoTime();
            LinearProbe.Result pr = LinearProbe.fit(xTr, probeLabel.labels(data, tr), xVa, probeLabel.labels(data, va), xTe,
                    spec.classNames().size(), po, m.seed);
            log.printf(Locale.ROOT, "[probe] linear probe (%s label): selected epoch %d of %d (val loss %.4f), %.1fs%n", probeLabel.cliName(),
                    pr.selectedEpoch(), probeEpochs, pr.valLoss(), (System.nanoTime() - t0) / 1e9);
            metrics.config("probe", po).config("probe_label", probeLabel.cliName())
                    .test(MetricsFile.Evaluation.of(probeLabel.labels(data, te), pr.predicted(), spec.classNames(), m.seed))
                    .extra("probeSelectedEpoch", pr.selectedEpoch());
            run.complete(metrics);
            log.println();
            log.print(new SummaryTable("Contrastive pre-training + linear probe, " + spec.classNames().size() + " classes, test split")
                    .add("pretrain+probe", metrics).render());
            log.println("metrics: " + run.resolve(RunFolder.METRICS_FILE));
        }
        RunReport.writeOrWarn(run.dir(), log);   // after the results are on disk: a report failure is one warning line
        return 0;
    }
}
