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
import io.medualtime.train.TrainingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Unsupervised contrastive pre-training, then a linear probe on the frozen embeddings. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, description = {
        "Unsupervised contrastive pre-training, then a linear probe on the frozen embeddings.",
        "InfoNCE within and across the two passes, augmented ECG views; selection by the validation loss over ALL batches;",
        "the probe is fitted on the normalised, averaged embeddings."})
final class PretrainCommand extends RunOptions.Resumable {
    @Mixin
    ModelOptions m;
    @Mixin
    RunOptions runs;
    @Option(names = "--epochs", defaultValue = "4", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "64",
            description = "Batch size; the other records of a batch are the negatives (default ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--temperature", defaultValue = "0.1", description = "InfoNCE temperature (default ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--lambda", defaultValue = "0.1", description = "Weight of the cross-modal terms (default ${DEFAULT-VALUE}).")
    double lambda;
    @Option(names = "--noise", defaultValue = "0.5",
            description = "Std of the Gaussian noise of the augmented ECG view (default ${DEFAULT-VALUE}).")
    double noise;
    @Option(names = "--label", defaultValue = "fine",
            description = "Label of the linear probe: fine, coarse, another label column of the dataset, or both (two probes on the same "
                    + "embeddings, as the official code: fine with --probe-lr, coarse with --coarse-probe-lr) (default ${DEFAULT-VALUE}; both with --protocol official).")
    String label;
    @Option(names = "--coarse-probe-lr", defaultValue = "5e-3",
            description = "With --label both: the coarse probe's Adam lr (default ${DEFAULT-VALUE}, "
                    + "the official 4-class probe's).")
    double coarseProbeLr;
    @Option(names = "--probe-epochs", defaultValue = "500", description = "Linear probe epochs (default ${DEFAULT-VALUE}).")
    int probeEpochs;
    @Option(names = "--probe-lr", defaultValue = "1e-3", description = "Linear probe Adam lr (default ${DEFAULT-VALUE}).")
    double probeLr;
    @Option(names = "--schedule", defaultValue = "none", description = "Learning rate per epoch: none (constant) or step (StepLR, "
            + "--step-size, --step-gamma; the official unsupervised code halves it every 20 epochs) (default ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--step-size", description = "StepLR: epochs between decays (default 20).")
    Integer stepSize;
    @Option(names = "--step-gamma", description = "StepLR: decay factor (default 0.5).")
    Double stepGamma;
    @Option(names = "--select", defaultValue = "best",
            description = "Which epoch is kept: best (lowest validation loss over all batches) or last "
                    + "(default ${DEFAULT-VALUE}).")
    String select;

    @Mixin
    ProtocolOption protocol;   // official: unsupervised_exp.sh (seed 64, StepLR x0.5 every 20 epochs, last epoch, both probes, ...)

    /** main_unsupervised.py's default --seed (unsupervised_exp.sh passes none). */
    static final long OFFICIAL_SEED = 64;

    @Override RunOptions runOptions() { return runs; }

    /**
     * Applies {@code --protocol official} to the options not given explicitly: StepLR x0.5 every 20 epochs
     * [main_unsupervised.py: StepLR(step_size=20, gamma=0.5)], the last epoch (its "best" is reset every epoch after
     * the first 10 %), both probes, seed 64, and the model options every official script shares.
     */
    private void officialProtocol() {
        if (!ProtocolOption.given(spec, "--schedule") && stepSize == null && stepGamma == null) schedule = "step";
        if (!ProtocolOption.given(spec, "--select")) select = "last";
        if (!ProtocolOption.given(spec, "--label")) label = "both";
        m.officialPreset(spec, OFFICIAL_SEED);
    }

    /** The probes' labels and Adam learning rates, in order (the first is the run's test result). */
    private java.util.LinkedHashMap<LabelKind, Double> probes() {
        java.util.LinkedHashMap<LabelKind, Double> out = new java.util.LinkedHashMap<>();
        if (label.equalsIgnoreCase("both")) {
            out.put(LabelKind.FINE, probeLr);
            out.put(LabelKind.COARSE, coarseProbeLr);
        } else {
            try {
                out.put(LabelKind.parse(label), probeLr);
            } catch (IllegalArgumentException e) {
                throw new UserError("--label: " + e.getMessage().replace("fine, coarse or", "fine, coarse, both or"));
            }
        }
        return out;
    }

    /** null for a constant learning rate; the step options are refused without {@code --schedule step}. */
    private Schedule schedule() {
        if (schedule.equalsIgnoreCase("none")) {
            if (stepSize != null || stepGamma != null)
                throw new UserError((stepSize != null ? "--step-size" : "--step-gamma") + " applies to --schedule step");
            return null;
        }
        if (!schedule.equalsIgnoreCase("step")) throw new UserError("--schedule must be none or step for pretrain, got '" + schedule + "'");
        return Schedule.step(stepSize != null ? stepSize : 20, stepGamma != null ? stepGamma : 0.5);
    }

    @Override int run() throws Exception {
        PrintStream log = out();
        if (runs.resume != null) return RunOptions.resume(spec, runs.resume, PretrainCommand::new, log);
        if (protocol.official()) officialProtocol();
        PretrainTrainer.Options o = new PretrainTrainer.Options(epochs, batchSize, lr, temperature, lambda, 0.1, noise, schedule(),
                Selection.parse(select));
        var probes = probes();
        for (double plr : probes.values()) new LinearProbe.Options(plr, 50, 0.9, 128, probeEpochs);   // bad values fail before anything is written
        TrainingSetup setup = m.setup();
        if (protocol.official())
            log.println("[pretrain] --protocol official: unsupervised_exp.sh ("
                    + (o.schedule() == null ? "constant lr" : o.schedule().describe())
                    + ", " + o.selection().criterion() + ", probes " + probes.keySet() + ", seed " + m.seed + ", LM dropout " + m.gptDropout
                    + ", init " + m.init + ")");
        LabelKind first = probes.keySet().iterator().next();
        Device device = m.device();
        RunFolder run = runs.open(spec, m);
        try (Dataset data = m.openData(run.dir(), log)) {
            ModelSpec spec = m.spec("pretrain", data, first, Mode.DUAL);
            ModelOptions.header(log, data, spec, device);
            log.println("[run]  pretrain: contrastive, no labels used until the probe; seed " + m.seed + " -> " + run.dir());
            Session s = m.session(spec, data, device);
            if (setup.officialInit()) PretrainTrainer.initPatchEmbeddingOfficial(s.model, m.seed);
            MetricsFile metrics = m.recordSetup(ModelOptions.metrics("pretrain", spec, data, m.seed).arguments(runs.recorded(this.spec))
                    .config("data_folder", m.recordedDataFolder(run.dir())));
            if (setup.officialInit()) metrics.config("init", setup.describeInit() + "; patch embedding N(0, 0.01), bias 0");
            PretrainTrainer.Result r = PretrainTrainer.train(s, o, m.seed, run, metrics, log);

            int[] tr = data.indices(Split.TRAIN), va = data.indices(Split.VAL), te = data.indices(Split.TEST);
            float[][] xTr = PretrainTrainer.features(s, r.heads(), tr, "probe features train");
            float[][] xVa = PretrainTrainer.features(s, r.heads(), va, "probe features val");
            float[][] xTe = PretrainTrainer.features(s, r.heads(), te, "probe features test");
            SummaryTable table = new SummaryTable("Contrastive pre-training + linear probes (fine and coarse), test split");
            List<Map<String, Object>> fitted = new ArrayList<>();
            for (var probe : probes.entrySet()) {
                LabelKind kind = probe.getKey();
                LinearProbe.Options po = new LinearProbe.Options(probe.getValue(), 50, 0.9, 128, probeEpochs);
                List<String> names = kind.classNames(data);
                long t0 = System.nanoTime();
                LinearProbe.Result pr = LinearProbe.fit(xTr, kind.labels(data, tr), xVa, kind.labels(data, va), xTe, names.size(), po,
                        m.seed);
                log.printf(Locale.ROOT,
                        "[probe] linear probe (%s label, %d classes, lr %s): selected epoch %d of %d (val loss %.4f), %.1fs%n",
                        kind.cliName(),
                        names.size(), probe.getValue(), pr.selectedEpoch(), probeEpochs, pr.valLoss(), (System.nanoTime() - t0) / 1e9);
                MetricsFile.Evaluation test = MetricsFile.Evaluation.of(kind.labels(data, te), pr.predicted(), names, m.seed);
                if (kind == first)
                    metrics.config("probe", po).config("probe_label", kind.cliName()).test(test).extra("probeSelectedEpoch",
                            pr.selectedEpoch());
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("label", kind.cliName());
                one.put("classes", names);
                one.put("options", po);
                one.put("selectedEpoch", pr.selectedEpoch());
                one.put("valLoss", pr.valLoss());
                one.put("test", test);
                fitted.add(one);
                table.add("probe " + kind.cliName() + " (" + names.size() + " classes)", test.report(), test.ci());
            }
            if (probes.size() > 1) metrics.extra("probes", fitted);
            run.complete(metrics);
            if (probes.size() == 1) {   // one probe: the run's own row (it carries the run's provenance labels)
                table = new SummaryTable(
                        "Contrastive pre-training + linear probe, " + first.classNames(data).size() + " classes, test split")
                        .add("pretrain+probe", metrics);
            } else {
                if (data.isSynthetic()) table.label(SummaryTable.SYNTHETIC_LABEL);
                if (!spec.pretrainedLm()) table.label(SummaryTable.RANDOM_LM_LABEL);
            }
            log.println();
            log.print(table.render());
            log.println("metrics: " + run.resolve(RunFolder.METRICS_FILE));
        }
        RunReport.writeOrWarn(run.dir(), log);   // after the results are on disk: a report failure is one warning line
        return 0;
    }
}
