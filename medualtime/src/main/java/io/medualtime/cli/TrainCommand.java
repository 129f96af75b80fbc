package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.report.RunReport;
import io.medualtime.tensor.Device;
import io.medualtime.train.LabelKind;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.Mode;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.Repeats;
import io.medualtime.train.RunFolder;
import io.medualtime.train.Schedule;
import io.medualtime.train.Selection;
import io.medualtime.train.Session;
import io.medualtime.train.SummaryTable;
import io.medualtime.train.SupervisedTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;

/** Supervised training (the official protocol), selection by the lowest validation loss, test metrics at that epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Supervised training with selection by the lowest validation loss, and test metrics at the selected epoch.",
        "AdamW, ExponentialLR per epoch; test metrics with bootstrap 95%% CIs. Writes run.json, model.safetensors and metrics.json."})
final class TrainCommand extends RunOptions.Resumable {
    @Mixin
    ModelOptions m;
    @Mixin
    TrainingOptions t;
    @Mixin
    RunOptions runs;
    @Mixin
    ProtocolOption protocol;
    @Option(names = "--seeds", split = ",", paramLabel = "SEED",
            description = "Train once per seed (each in RUN/seed-<SEED>) and add the mean "
                    + "+- std of the test scores over the seeds; replaces --seed.")
    List<Long> seeds;

    @Override RunOptions runOptions() { return runs; }

    @Override int run() throws Exception {
        PrintStream log = out();
        if (runs.resume != null) return RunOptions.resume(spec, runs.resume, TrainCommand::new, log);
        if (protocol.official()) {
            m.officialPreset(spec, OFFICIAL_SEED);
            log.println("[train] --protocol official: supervised_exp.sh (" + t.schedule(t.labelKind()).describe() + ", seed "
                    + (seeds != null ? seeds : m.seed) + ", LM dropout " + m.gptDropout + ", TemEnc init " + m.init + ")");
        }
        t.options(t.labelKind());   // bad option values fail before anything is written
        m.setup();
        Device device = m.device();
        RunFolder run = runs.open(spec, m);
        if (seeds != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--seed"))
                throw new UserError("--seeds replaces --seed; give one of them");
            if (seeds.isEmpty() || seeds.size() != new java.util.HashSet<>(seeds).size())
                throw new UserError("--seeds needs distinct seeds, got " + seeds);
        }
        try (Dataset data = m.openData(run.dir(), log)) {
            if (seeds != null) repeated(run, data, device, log);
            else trainOnce(run, data, device, log);
        }
        RunReport.writeOrWarn(run.dir(), log);   // after the results are on disk: a report failure is one warning line
        return 0;
    }

    private void trainOnce(RunFolder run, Dataset data, Device device, PrintStream log) throws Exception {
        SupervisedTrainer.Result r = trainOne(new Job("train", runs.recorded(spec), t.labelKind(), t.modeValue()), m, t, data, run, device,
                log);
        TrainCommand.printSelected(log, r);
        log.println();
        log.print(new SummaryTable("Supervised, " + r.metrics().test().report().numClasses() + " classes (" + t.label + "), test split")
                .add(t.modeValue().cliName(), r.metrics()).render());
        log.println("metrics: " + run.resolve(RunFolder.METRICS_FILE));
        log.println("model:   " + run.resolve(ModelSpec.CHECKPOINT) + " (+ " + ModelSpec.FILE + ")");
    }

    /**
     * Trains once per seed into {@code run}/seed-SEED (a completed one is kept: a resumed run continues with the next
     * seed), then completes {@code run} with a summary: {@code extra.repeats} (mean +- std and per-seed values) and
     * {@code extra.seedRuns} (the folders); the per-seed test scores go in the table, the spread under it.
     */
    private void repeated(RunFolder run, Dataset data, Device device, PrintStream log) throws Exception {
        if (m.data == null) m.data = m.dataFolder(run.dir());   // the seeds' runs use the run's data
        List<MetricsFile> done = new java.util.ArrayList<>();
        java.util.Map<String, String> folders = new java.util.LinkedHashMap<>();
        for (long seed : seeds) {
            RunFolder one = RunFolder.at(run.dir().resolve("seed-" + seed));
            folders.put(Long.toString(seed), one.dir().getFileName().toString());
            if (TransferCommand.completed(one)) {
                log.println("[train] seed " + seed + " already completed in " + one.dir());
                done.add(RunFolder.readMetrics(one.dir()));
                continue;
            }
            m.seed = seed;
            done.add(trainOne(new Job("train (seed " + seed + ")", null, t.labelKind(), t.modeValue()), m, t, data, one, device, log)
                    .metrics());
        }
        Repeats spread = Repeats.of("seed", seeds, done.stream().map(x -> x.test().report()).toList());
        ModelSpec first = io.medualtime.train.SavedRun.spec(run.dir().resolve(folders.values().iterator().next()));
        MetricsFile summary = ModelOptions.metrics("train", first, data, seeds.get(0)).arguments(runs.recorded(spec))
                .config("data_folder", m.dataFolder(run.dir()).toString()).config("schedule", t.schedule(t.labelKind()).describe())
                .config("selection", Selection.parse(t.select).criterion())
                .extra("repeats", spread).extra("seedRuns", folders);
        run.complete(summary);
        SummaryTable table = new SummaryTable(
                "Supervised, " + done.get(0).test().report().numClasses() + " classes (" + t.label + "), test split");
        for (int i = 0; i < seeds.size(); i++) table.add(t.modeValue().cliName() + " seed=" + seeds.get(i), done.get(i));
        table.repeats(t.modeValue().cliName(), spread);
        log.println();
        log.print(table.render());
        log.println("metrics: " + run.resolve(RunFolder.METRICS_FILE) + " (per seed: " + run.dir().resolve("seed-<SEED>") + ")");
    }

    /** What one supervised run is called in the log and metrics, what {@code --resume} replays (null: not resumable), its label and mode. */
    record Job(String command, List<String> arguments, LabelKind label, Mode mode) {}

    /**
     * Builds a fresh model for {@code data} and trains it into {@code run} (continuing from the run's checkpoint if it
     * has one); {@code arguments} are what {@code --resume} replays (null: the run cannot be resumed by itself).
     */
    static SupervisedTrainer.Result trainOne(Job job, ModelOptions m, TrainingOptions t, Dataset data, RunFolder run, Device device,
            PrintStream log) throws Exception {
        String command = job.command();
        List<String> arguments = job.arguments();
        LabelKind label = job.label();
        Mode mode = job.mode();
        ModelSpec spec = m.spec("supervised", data, label, mode);
        ModelOptions.header(log, data, spec, device);
        log.println("[run]  " + command + ": mode " + mode.cliName() + " (" + mode.describe() + "), label " + label.cliName()
                + " " + spec.classNames() + ", seed " + m.seed + " -> " + run.dir());
        Session s = m.session(spec, data, device);
        log.printf("[model] %,d trainable parameters (adapters + head); the LM is frozen%n", s.model.trainableParameterCount());
        MetricsFile metrics = m.recordSetup(ModelOptions.metrics(command, spec, data, m.seed).arguments(arguments)
                .config("data_folder", m.recordedDataFolder(run.dir())));
        return SupervisedTrainer.train(s, t.options(label), m.seed, run, metrics, log);
    }

    static void printSelected(PrintStream log, SupervisedTrainer.Result r) {
        log.println();
        log.println("Test report at the selected epoch " + r.metrics().selectedEpoch() + ":");
        log.print(r.metrics().test().report().toText());
    }

    /** main_supervised.py's default --seed (supervised_exp.sh passes none). */
    static final long OFFICIAL_SEED = 42;

    /** The protocol's knobs (official defaults). */
    static final class TrainingOptions {
        @Option(names = "--label", defaultValue = "fine",
                description = "Label column to learn: fine, coarse or any column the dataset declares (PTB-XL: 5 superclasses / 4 groups; the authors' files: Y / sl_Y) (default ${DEFAULT-VALUE}).")
        String label;
        @Option(names = "--mode", defaultValue = "dual",
                description = "dual, ts-only (ECG only), text-only (report only), ts-primary or text-primary (default ${DEFAULT-VALUE}).")
        String mode;
        @Option(names = "--epochs", defaultValue = "40", description = "Epochs (default ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
        double weightDecay;
        @Option(names = "--schedule", description = "Learning-rate schedule per epoch: exp (ExponentialLR, --gamma) or step (StepLR, "
                + "--step-size, --step-gamma) (default exp).")
        String schedule;
        @Option(names = "--gamma", description = "ExponentialLR gamma per epoch (default 0.5 for fine, 0.85 for coarse).")
        Double gamma;
        @Option(names = "--step-size", description = "StepLR: epochs between decays (default 5).")
        Integer stepSize;
        @Option(names = "--step-gamma", description = "StepLR: decay factor (default 0.3).")
        Double stepGamma;
        @Option(names = "--select", defaultValue = "best",
                description = "Which epoch's model is kept and tested: best (lowest validation loss) "
                        + "or last (default ${DEFAULT-VALUE}).")
        String select;

        LabelKind labelKind() { return LabelKind.parse(label); }

        Mode modeValue() { return Mode.parse(mode); }

        SupervisedTrainer.Options options(LabelKind l) {
            return new SupervisedTrainer.Options(epochs, batchSize, lr, weightDecay, schedule(l), Selection.parse(select), 64);
        }

        /** The schedule the options name; an option of the other kind is refused rather than ignored. */
        Schedule schedule(LabelKind l) {
            Schedule.Kind kind = schedule == null ? Schedule.Kind.EXP : Schedule.parseKind(schedule);
            if (kind == Schedule.Kind.EXP) {
                if (stepSize != null || stepGamma != null)
                    throw new UserError((stepSize != null ? "--step-size" : "--step-gamma") + " applies to --schedule step");
                return Schedule.exponential(gamma != null ? gamma : l.defaultGamma());
            }
            if (gamma != null) throw new UserError("--gamma applies to --schedule exp; --schedule step takes --step-gamma");
            return Schedule.step(stepSize != null ? stepSize : 5, stepGamma != null ? stepGamma : 0.3);
        }
    }
}
