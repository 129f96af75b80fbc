package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.Split;
import io.medualtime.tensor.Device;
import io.medualtime.train.BootstrapCI;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.MetricsJson;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.RunFolder;
import io.medualtime.train.SavedRun;
import io.medualtime.train.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Metrics of a saved run on a split. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Reloads a run (run.json + model.safetensors) and reports its metrics on a split with bootstrap 95%% CIs.",
        "Writes eval-<split>.json into the run folder. The run's LM, text encoder and data are checked against its",
        "fingerprints (run.json \"pins\"); a change is refused unless overridden."})
final class EvalCommand extends JobCommand {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run folder written by train / demo.")
    Path run;
    @Option(names = "--split", defaultValue = "test", description = "train, val or test (default ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (default: the one the run was trained on).")
    Path data;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--seed", defaultValue = "0", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    PinOptions pins;
    @Mixin
    FolderOptions folders;

    @Override int run() throws Exception {
        PrintStream log = out();
        Device dev = ModelOptions.requireDevice(device);
        Split sp = Split.parse(split);
        ModelSpec saved = SavedRun.spec(run);
        if (!"supervised".equals(saved.kind()))
            throw new UserError(run + " is a " + saved.kind() + " run; eval needs a supervised run (train / demo)");
        Path folder = data != null ? data : SavedRun.dataFolder(run);
        if (folder == null) throw new UserError("the run does not say which data it used; pass --data DIR");
        try (Dataset d = DiskDataset.open(folder)) {
            Session s = SavedRun.open(run, d, dev, pins.trust(), folders.folders(), System.err);
            ModelSpec spec = s.spec;
            ModelOptions.header(log, d, spec, dev);
            int[] idx = d.indices(sp);
            int unlabelled = 0;
            for (int i : idx) if (!d.labelled(i)) unlabelled++;
            if (unlabelled > 0)
                throw new UserError(folder + ": " + unlabelled + " of the " + idx.length + " records of the " + sp.diskName()
                        + " split have no label; eval needs labels (predict works without)");
            Session.Scores sc = s.score(idx, 64, "eval " + sp.diskName());
            SavedRun.requireFinite(run, d, sc);
            MetricsFile.Evaluation ev = MetricsFile.Evaluation.of(sc.truth(), sc.predicted(), spec.classNames(), seed);
            log.printf(Locale.ROOT, "%s%s, split %s, mode %s, label %s: loss %.4f%n", d.isSynthetic() ? "SYNTHETIC data " : "data ",
                    d.name(),
                    sp.diskName(), spec.mode(), spec.label(), sc.loss());
            log.print(ev.report().toText());
            BootstrapCI ci = ev.ci();
            log.println("accuracy " + ci.accuracy() + "   macro-F1 " + ci.macroF1() + "   (95% bootstrap CIs)");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("run", run.toAbsolutePath().normalize().toString());
            json.put("data", (d.isSynthetic() ? "SYNTHETIC: " : "") + d.provenance());
            json.put("lm", spec.describeLm());
            json.put("pins", spec.pins());
            json.put("split", sp.diskName());
            json.put("loss", sc.loss());
            json.put("evaluation", ev);
            Path f = run.resolve("eval-" + sp.diskName() + ".json");
            RunFolder.writeAtomically(f, MetricsJson.write(json).getBytes(StandardCharsets.UTF_8));
            log.println("written: " + f);
        }
        return 0;
    }
}
