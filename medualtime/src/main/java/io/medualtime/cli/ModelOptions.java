package io.medualtime.cli;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.backend.Backends;
import io.medualtime.tensor.cpu.Parallel;
import io.medualtime.train.LabelKind;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.Mode;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.Pins;
import io.medualtime.train.RunPaths;
import io.medualtime.train.Session;
import io.medualtime.train.TrainingSetup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Options shared by the training commands: data, LM, text encoder, scale, seed, run folder, device. */
final class ModelOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Canonical dataset folder (see medualtime/src/main/java/io/medualtime/data/FORMAT.md). Default: generate the SYNTHETIC set into the run folder.")
    Path data;

    @Option(names = "--lm", paramLabel = "DIR",
            description = "Hugging Face GPT-2 folder (config.json, model.safetensors, vocab.json, merges.txt). "
                    + "Default: a small GPT-2-architecture LM with RANDOM weights (NOT pretrained GPT-2).")
    Path lm;

    @Option(names = "--lm-width", defaultValue = "128", description = "Random-init LM only: width (default ${DEFAULT-VALUE}).")
    int lmWidth;
    @Option(names = "--lm-layers", defaultValue = "2", description = "Random-init LM only: layers (default ${DEFAULT-VALUE}).")
    int lmLayers;
    @Option(names = "--lm-heads", defaultValue = "4", description = "Random-init LM only: heads (default ${DEFAULT-VALUE}).")
    int lmHeads;

    @Option(names = "--adapter-layers",
            description = "M: top layers with adaptation tokens (default: 11, or all but layer 0 of a smaller LM).")
    Integer adapterLayers;
    @Option(names = "--adapter-tokens", defaultValue = "5",
            description = "K: adaptation tokens per layer and pass (default ${DEFAULT-VALUE}).")
    int adapterTokens;
    @Option(names = "--temenc-width", defaultValue = "64",
            description = "TemEnc width c (blocks of c, 2c, 2c channels; official 64) (default ${DEFAULT-VALUE}).")
    int temEncWidth;
    @Option(names = "--dropout", description = "Patch-embedding dropout (default: --gpt-dropout if given, else 0.1).")
    Float dropout;
    @Option(names = "--gpt-dropout", paramLabel = "P",
            description = "The frozen LM's embedding, attention and residual dropout in training, "
                    + "as the official --gpt_dropout (which also drops the patch embeddings: so does this, unless --dropout is given) "
                    + "(default: the LM's config.json values, 0.1 for GPT-2).")
    Float gptDropout;
    @Option(names = "--init",
            description = "Initialisation of a fresh model: default (PyTorch's) or official (TemEnc: fastai's Kaiming init, "
                    + "BatchNorm bias 1e-3; pretrain also: patch embedding N(0, 0.01), bias 0) (default: default; official with --protocol official).")
    String init;
    @Option(names = "--patch-len", defaultValue = "25",
            description = "Patch length in time steps (default ${DEFAULT-VALUE}, as the official scripts).")
    int patchLen;
    @Option(names = "--stride", defaultValue = "25",
            description = "Patch stride in time steps (default ${DEFAULT-VALUE}, as the official scripts).")
    int stride;

    @Option(names = "--text-encoder", defaultValue = "gpt2",
            description = "Frozen report vector of the temporal-primary pass: gpt2 (the LM itself) or bert (--bert DIR).")
    String textEncoder;
    @Option(names = "--bert", paramLabel = "DIR", description = "BERT / DistilBERT folder (e.g. ClinicalBERT) for --text-encoder bert.")
    Path bert;
    @Option(names = "--text-vectors", description = "With --text-encoder bert: cached (each report's vector once, eval mode) or recomputed "
            + "(every training step with BERT's dropout active, as the official code; slower) (default: cached; recomputed with --protocol official).")
    String textVectors;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of initialisation, shuffling, dropout and bootstrap (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/<command>-<timestamp>).")
    Path out;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--synthetic-sizes", defaultValue = "1400,300,300", split = ",", paramLabel = "TRAIN,VAL,TEST",
            description = "Without --data: records per split of the generated SYNTHETIC set (default ${DEFAULT-VALUE}).")
    List<Integer> syntheticSizes;
    @Option(names = "--synthetic-hz", defaultValue = "100",
            description = "Without --data: sampling rate of the generated SYNTHETIC set, 10 s records (default ${DEFAULT-VALUE}).")
    double syntheticHz;

    Device device() { return requireDevice(device); }

    /** The patch-embedding dropout: --dropout, else --gpt-dropout (one knob officially), else 0.1. */
    float patchDropout() {
        return dropout != null ? dropout : gptDropout != null ? gptDropout : 0.1f;
    }

    /** Whether {@code --init official} applies; anything but official or default is refused. */
    boolean officialInit() {
        return ProtocolOption.isOfficial("--init", init);
    }

    /** Whether {@code --text-vectors recomputed} applies; only with the BERT text encoder. */
    boolean recomputedTextVectors() {
        if (textVectors == null) return false;
        boolean recomputed = switch (textVectors.toLowerCase(Locale.ROOT)) {
            case "recomputed" -> true;
            case "cached" -> false;
            default -> throw new JobCommand.UserError("--text-vectors must be cached or recomputed, got '" + textVectors + "'");
        };
        if (recomputed && !isBert(textEncoder))
            throw new JobCommand.UserError(
                    "--text-vectors recomputed applies to --text-encoder bert (the official ClinicalBERT path), not " + textEncoder);
        return recomputed;
    }

    /** How a fresh model is set up for training (--gpt-dropout, --init, --text-vectors); bad values fail in one line. */
    TrainingSetup setup() {
        try {
            return new TrainingSetup(gptDropout, officialInit(), recomputedTextVectors());
        } catch (IllegalArgumentException e) {
            throw new JobCommand.UserError(e.getMessage());
        }
    }

    /** Set by {@link #officialPreset}: the run follows {@code --protocol official}. */
    boolean official;

    /** Records {@link #setup()} and the protocol in metrics.json ({@code config.lm_dropout}, {@code config.init}, {@code config.protocol}). */
    MetricsFile recordSetup(MetricsFile metrics) {
        TrainingSetup s = setup();
        return metrics.config("lm_dropout", s.describeLmDropout()).config("init", s.describeInit())
                .config("text_vectors", s.describeTextVectors())
                .config("protocol", official ? "official" : "default");
    }

    /** A fresh model for {@code spec} on {@code data}, set up for training as the options say ({@link #setup()}). */
    Session session(ModelSpec spec, Dataset data, Device device) throws IOException {
        TrainingSetup setup = setup();
        Session s = new Session(spec, spec.build(setup), data, device);
        if (setup.recomputeTextVectors()) s.recomputeTextVectors(seed);
        return s;
    }

    /**
     * The model options every official script shares, unless given: its seed ({@code seed}), the LM dropout 0.1 (the
     * scripts' --gpt_dropout default and GPT2Config's), the official initialisation, and ClinicalBERT's report
     * vector when --bert names a folder (the official temporal-primary pass always uses it).
     */
    void officialPreset(picocli.CommandLine.Model.CommandSpec spec, long officialSeed) {
        official = true;
        if (!ProtocolOption.given(spec, "--seed")) seed = officialSeed;
        if (!ProtocolOption.given(spec, "--gpt-dropout")) gptDropout = 0.1f;
        if (!ProtocolOption.given(spec, "--init")) init = "official";
        if (!ProtocolOption.given(spec, "--text-encoder") && bert != null) textEncoder = "bert";
        if (!ProtocolOption.given(spec, "--text-vectors") && isBert(textEncoder)) textVectors = "recomputed";
    }

    /** Parses the device; for CUDA, checks that the backend really works, else a one-line error. */
    static Device requireDevice(String name) {
        Device d = Device.parse(name);
        if (d == Device.CUDA) {
            try {
                Backends.get(Device.CUDA);
                Tensor.zeros(Device.CUDA, 1).toArray();
            } catch (Throwable e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new JobCommand.UserError(
                        "--device cuda: CUDA is not available here (" + why.lines().findFirst().orElse(why) + "); use --device cpu");
            }
        }
        return d;
    }

    SyntheticConfig syntheticConfig() {
        if (syntheticSizes.size() != 3) throw new JobCommand.UserError("--synthetic-sizes needs TRAIN,VAL,TEST, got " + syntheticSizes);
        return SyntheticConfig.DEFAULT.withSizes(syntheticSizes.get(0), syntheticSizes.get(1), syntheticSizes.get(2))
                .withSampling(syntheticHz, 10.0);
    }

    /** Opens --data, or generates the synthetic set into {@code runDir/data} (reused when already there). */
    Dataset openData(Path runDir, PrintStream log) throws IOException {
        if (data != null) return DiskDataset.open(data);
        return generate(syntheticConfig(), dataFolder(runDir), log);
    }

    /** The dataset folder a run uses (recorded in metrics.json for eval / predict). */
    Path dataFolder(Path runDir) {
        return (data != null ? data : runDir.resolve("data")).toAbsolutePath().normalize();
    }

    /** {@link #dataFolder} as metrics.json records it: relative when inside the run folder, which can then move ({@link RunPaths}). */
    String recordedDataFolder(Path runDir) {
        return RunPaths.stored(runDir, dataFolder(runDir).toString());
    }

    static Dataset generate(SyntheticConfig cfg, Path folder, PrintStream log) throws IOException {
        if (!Files.isRegularFile(folder.resolve("dataset.json"))) {
            log.printf(Locale.ROOT, "[data] generating the SYNTHETIC dataset (%d/%d/%d records, %.0f Hz x 10 s, 12 leads) into %s%n",
                    cfg.trainSize(), cfg.valSize(), cfg.testSize(), cfg.samplingRate(), folder);
            long t0 = System.nanoTime();
            SyntheticEcg.writeTo(cfg, folder);
            log.printf(Locale.ROOT, "[data] generated in %.1fs%n", (System.nanoTime() - t0) / 1e9);
        }
        return DiskDataset.open(folder);
    }

    /** The spec of a fresh model for {@code data}, pinned to the LM, text encoder and data it is built from ({@link Pins}). */
    ModelSpec spec(String kind, Dataset data, LabelKind label, Mode mode) throws IOException {
        boolean useBert = isBert(textEncoder);
        if (useBert && bert == null) throw new JobCommand.UserError("--text-encoder bert needs --bert DIR (a BERT / DistilBERT folder)");
        if (useBert && !Files.isDirectory(bert)) throw new JobCommand.UserError("--bert " + bert + ": no such folder");
        int layers;
        ModelSpec.RandomLm random = null;
        if (lm != null) {
            if (!Files.isDirectory(lm)) throw new JobCommand.UserError("--lm " + lm + ": no such folder");
            try {
                layers = Gpt2Config.load(lm).nLayer();
            } catch (Exception e) {
                throw new JobCommand.UserError("--lm " + lm + ": " + e.getMessage());
            }
        } else {
            try {
                random = new ModelSpec.RandomLm(io.medualtime.nn.tokenizer.Gpt2Tokenizer.GPT2_VOCAB_SIZE, 1024, lmWidth, lmLayers, lmHeads,
                        seed);
            } catch (IllegalArgumentException e) {
                throw new JobCommand.UserError("random-init LM (--lm-width / --lm-layers / --lm-heads): " + e.getMessage());
            }
            layers = lmLayers;
        }
        int m = adapterLayers != null ? adapterLayers : Math.max(1, Math.min(11, layers - 1));
        List<String> names = label.classNames(data);
        MedualTimeConfig cfg = MedualTimeConfig.defaults(names.size()).withAdapterLayers(m).withAdapterTokens(adapterTokens)
                .withDropout(patchDropout()).withTemEncWidth(temEncWidth)
                .withTextEncoder(useBert ? MedualTimeConfig.TextEncoderKind.DISTILBERT : MedualTimeConfig.TextEncoderKind.GPT2);
        try {   // the record length is checked against the patching here, so a too-short record names both
            cfg = cfg.withSignal(data.leads(), data.steps()).withPatching(patchLen, stride);
        } catch (IllegalArgumentException e) {
            throw new JobCommand.UserError(
                    "--patch-len " + patchLen + " --stride " + stride + " for records of " + data.steps() + " steps: " + e.getMessage());
        }
        ModelSpec spec = new ModelSpec(kind, lm == null ? null : lm.toAbsolutePath().normalize().toString(), random,
                useBert ? "bert" : "gpt2", useBert ? bert.toAbsolutePath().normalize().toString() : null,
                ModelSpec.ModelConfig.of(cfg), label.cliName(), names, mode.cliName(), seed, null);
        return spec.withPins(Pins.of(spec, data));
    }

    /** Whether a --text-encoder value names BERT (bert, clinicalbert, distilbert) rather than gpt2; else a one-line error. */
    static boolean isBert(String textEncoder) {
        return switch (textEncoder.toLowerCase(Locale.ROOT)) {
            case "gpt2" -> false;
            case "bert", "clinicalbert", "distilbert" -> true;
            default -> throw new JobCommand.UserError("--text-encoder must be gpt2 or bert, got " + textEncoder);
        };
    }

    /** Provenance and the common configuration of a run. */
    static MetricsFile metrics(String command, ModelSpec spec, Dataset data, long seed) {
        MetricsFile m = new MetricsFile().command(command).seed(seed).threads(Parallel.threads())
                .data(data.provenance() + " [" + data.name() + ", " + data.size(io.medualtime.data.Split.TRAIN) + "/"
                        + data.size(io.medualtime.data.Split.VAL) + "/" + data.size(io.medualtime.data.Split.TEST) + " records]",
                        data.isSynthetic());
        if (spec.lmFolder() != null) m.lmPretrained(Path.of(spec.lmFolder()), "GPT-2 weights");
        else m.lm(spec.randomLm().describe(), false);
        m.config("model", spec.model()).config("label", spec.label()).config("classes", spec.classNames())
                .config("mode", spec.mode()).config("mode_description", spec.modeValue().describe())
                .config("text_encoder", spec.textEncoder() + (spec.bertFolder() != null ? " (" + spec.bertFolder() + ")" : ""))
                .config("lm", spec.lmFolder() != null ? spec.lmFolder() : spec.randomLm())
                .config("pins", spec.pins());
        return m;
    }

    /** The lines printed at the top of every job: what runs, on what. */
    static void header(PrintStream log, Dataset data, ModelSpec spec, Device device) {
        log.println(Main.backendLine() + (device == Device.CUDA ? " (model on CUDA)" : ""));
        log.println("[data] " + data.summary().lines().findFirst().orElse(""));
        log.println("[data] provenance: " + data.provenance());
        String derived = spec.labelKind().derivedWarning(data);
        if (derived != null) log.println(derived);
        log.println("[lm]   " + (spec.lmFolder() == null ? "*** " + spec.randomLm().describe() + " ***" : spec.describeLm()));
        log.println("[text] report vectors: " + (spec.bertFolder() != null
                ? "frozen BERT [CLS] from " + spec.bertFolder()
                : "the frozen LM itself (last real token after ln_f)" + (spec.lmFolder() == null ? " -- random weights" : "")));
        if (spec.lmFolder() != null && spec.bertFolder() == null)
            log.println("[text] warning: GPT-2 weights from " + spec.lmFolder() + " with the GPT-2 report vector, while the paper's "
                    + "temporal-primary pass uses ClinicalBERT's [CLS] (--text-encoder bert --bert DIR): not the paper's configuration");
        Pins p = spec.pins();
        if (p != null)
            log.println("[pins] sha256 of the LM " + p.lm().shortHash()
                    + (p.textEncoder() == null ? "" : ", text encoder " + p.textEncoder().shortHash())
                    + (p.data() == null ? "" : ", data " + p.data().shortHash())
                    + (p.unverified().isEmpty()
                            ? ""
                            : "; NOT verified against the run's training inputs: " + String.join(", ", p.unverified())));
    }
}
