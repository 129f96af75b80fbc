package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.Split;
import io.medualtime.tensor.Device;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.Predictions;
import io.medualtime.train.SavedRun;
import io.medualtime.train.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** Predictions of a saved run, with class probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = {
        "Reloads a run (run.json + model.safetensors) and writes a prediction with class probabilities for every record of a dataset.",
        "The records need no labels (both label fields empty in records.csv); --logits and --embedding add the logits and the fused embedding z.",
        "The run's LM and text encoder are checked against its fingerprints (run.json \"pins\"); the data may be any dataset (its fingerprint is recorded)."})
final class PredictCommand extends JobCommand {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder written by train / demo.")
    Path run;
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder (canonical format).")
    Path data;
    @Option(names = "--split", defaultValue = "all", description = "all, train, val or test (default ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--format", defaultValue = "csv", description = "csv or json (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "Output file (default <run>/predictions.<format>).")
    Path outFile;
    @Option(names = "--logits", description = "Also write each record's logits (before the softmax), one per class.")
    boolean logits;
    @Option(names = "--embedding",
            description = "Also write each record's embedding z, the fused vector the head classifies (LM width values).")
    boolean embedding;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default ${DEFAULT-VALUE}).")
    String device;
    @Option(names = SavedRun.ALLOW_WEIGHTS_FLAG, description = PinOptions.WEIGHTS_DESCRIPTION)
    boolean allowChangedWeights;
    @Mixin
    FolderOptions folders;

    @Override int run() throws Exception {
        PrintStream log = out();
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("csv") && !fmt.equals("json")) throw new UserError("--format must be csv or json, got " + format);
        Device dev = ModelOptions.requireDevice(device);
        ModelSpec saved = SavedRun.spec(run);
        if (!"supervised".equals(saved.kind()))
            throw new UserError(run + " is a " + saved.kind() + " run; predict needs a supervised run (train / demo)");
        try (Dataset d = DiskDataset.open(data)) {
            // predicting on new data is what predict is for: the data is recorded, never refused
            Session s = SavedRun.open(run, d, dev, new SavedRun.Trust(allowChangedWeights, true), folders.folders(), System.err);
            ModelSpec spec = s.spec;
            int[] idx;
            if (split.equalsIgnoreCase("all")) {
                idx = new int[d.size()];
                for (int i = 0; i < idx.length; i++) idx[i] = i;
            } else idx = d.indices(Split.parse(split));
            Session.Scores sc = s.score(idx, 64, "predict", embedding);
            SavedRun.requireFinite(run, d, sc);
            Path f = outFile != null ? outFile : run.resolve("predictions." + fmt);
            Predictions.write(f, fmt, d, spec.classNames(), sc, spec.pins(), logits);
            int correct = 0, labelled = 0;
            for (int i = 0; i < idx.length; i++) {
                if (sc.truth()[i] == Dataset.UNLABELLED) continue;
                labelled++;
                if (sc.truth()[i] == sc.predicted()[i]) correct++;
            }
            log.printf(Locale.ROOT, "%d predictions (%s%s, mode %s) -> %s; %s%n", idx.length, d.isSynthetic() ? "SYNTHETIC data " : "data ",
                    d.name(),
                    spec.mode(), f, labelled == 0
                            ? "no stored labels to compare with"
                            : String.format(Locale.ROOT, "accuracy against the stored labels %.4f", correct / (double) labelled)
                                    + (labelled < idx.length
                                            ? " (" + labelled + " labelled records; " + (idx.length - labelled) + " without a label)"
                                            : ""));
        }
        return 0;
    }
}
