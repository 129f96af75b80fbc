package io.medualtime.cli;

import io.medualtime.data.EcgClasses;
import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.train.LabelKind;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.Mode;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.Pins;
import io.medualtime.train.RunFolder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code import}: a run folder ({@code run.json} + {@code model.safetensors} + {@code metrics.json}) from an official
 * MedualTime checkpoint converted by {@code tools/convert_pth.py}, an LM and the hyper-parameters, so that
 * {@code eval} and {@code predict} use it as they use a trained run. The sizes the checkpoint fixes (M, K, width,
 * classes, TemEnc width, leads x patch length) are read from its tensors and checked against the options; the head's
 * rows, in the order {@code --classes} names, are reordered into this project's class order; with {@code --label} they
 * keep that order and may be any names (the classes of a dataset's label column, e.g. the authors' files converted by
 * {@code tools/convert_pkl.py}, whose classes are in the official LabelEncoder order).
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Makes a run folder from an official MedualTime checkpoint, so that eval and predict use it.",
        "An official .pth must be converted first: /usr/bin/python3 tools/convert_pth.py MODEL.pth MODEL.safetensors (docs/TRAINING.md)."})
final class ImportCommand extends JobCommand {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "The checkpoint as tools/convert_pth.py writes it (.safetensors).")
    Path checkpoint;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Lm lm;

    static final class Lm {
        @Option(names = "--lm", paramLabel = "DIR", description = "The Hugging Face GPT-2 folder the checkpoint was trained on.")
        Path folder;
        @Option(names = "--random-lm", paramLabel = "WIDTH,LAYERS,HEADS[,SEED]",
                description = "A GPT-2-architecture LM with RANDOM weights (NOT pretrained) of these sizes (seed 0 by default).")
        String random;
    }

    @Option(names = "--text-encoder", defaultValue = "bert",
            description = "The report vector the checkpoint was trained with: bert (--bert DIR; "
                    + "the official scripts use ClinicalBERT) or gpt2 (the LM itself) (default ${DEFAULT-VALUE}).")
    String textEncoder;
    @Option(names = "--bert", paramLabel = "DIR",
            description = "BERT / DistilBERT folder for --text-encoder bert (e.g. medicalai/ClinicalBERT).")
    Path bert;
    @Option(names = "--classes", required = true, split = ",", paramLabel = "NAME",
            description = "The class of each head row, in row order "
                    + "(the official scripts' LabelEncoder sorts the label strings, e.g. CD,HYP,MI,NORM,STTC): the 5 classes "
                    + "NORM,MI,STTC,CD,HYP or the 4 NORM,MI,STTC,CD_HYP.")
    List<String> classes;
    @Option(names = "--label", paramLabel = "NAME", description = "The label column of the data to evaluate on: the head keeps the rows "
            + "as --classes names them, any names in any order (e.g. --label fine --classes CD,HYP,MI,NORM,STTC for the authors' files "
            + "converted by tools/convert_pkl.py). Without it the rows are reordered into the PTB-XL labelling.")
    String label;
    @Option(names = "--adapter-layers", paramLabel = "M",
            description = "M (default: the checkpoint's number of gates; checked when given).")
    Integer adapterLayers;
    @Option(names = "--adapter-tokens", paramLabel = "K",
            description = "K (default: from the checkpoint's adaptation queries; checked when given).")
    Integer adapterTokens;
    @Option(names = "--patch-len", defaultValue = "25", description = "Patch length (default ${DEFAULT-VALUE}, as the official scripts).")
    int patchLen;
    @Option(names = "--stride", defaultValue = "25", description = "Patch stride (default ${DEFAULT-VALUE}, as the official scripts).")
    int stride;
    @Option(names = "--leads", defaultValue = "12", description = "ECG leads (default ${DEFAULT-VALUE}).")
    int leads;
    @Option(names = "--steps", defaultValue = "1000", description = "Time steps per record (default ${DEFAULT-VALUE}: 10 s at 100 Hz).")
    int steps;
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The run folder to write (refused when it holds files, unless --overwrite).")
    Path out;
    @Option(names = "--overwrite", description = "Replace the run in an existing --out folder (its files are deleted first).")
    boolean overwrite;

    private static final Pattern GATE = Pattern.compile("h\\.(\\d+)\\.attn\\.gate");

    @Override int run() throws Exception {
        PrintStream log = out();
        requireSafetensors(checkpoint);
        Map<String, long[]> shapes = shapes(checkpoint);
        boolean useBert = ModelOptions.isBert(textEncoder);
        if (useBert && bert == null)
            throw new UserError(
                    "--text-encoder bert (the default: the official scripts' report vector is ClinicalBERT's [CLS]) needs --bert DIR; "
                            + "pass --text-encoder gpt2 only for a checkpoint trained with the LM's own report vector");
        if (!useBert && bert != null) throw new UserError("--bert is only used with --text-encoder bert");

        ModelSpec.RandomLm random = lm.random == null ? null : randomLm(lm.random);
        Gpt2Config lmConfig = random != null ? random.config() : lmConfig(lm.folder);
        MedualTimeConfig cfg = config(shapes, lmConfig, useBert);
        LabelKind label = this.label != null ? LabelKind.parse(this.label) : labelKind(classes);
        List<String> names = this.label != null ? asGiven(classes) : label == LabelKind.FINE ? EcgClasses.FINE : EcgClasses.COARSE;

        ModelSpec runSpec = new ModelSpec("supervised", lm.folder == null ? null : absolute(lm.folder), random, useBert ? "bert" : "gpt2",
                bert == null ? null : absolute(bert), ModelSpec.ModelConfig.of(cfg), label.cliName(), names, Mode.DUAL.cliName(), 0L, null);
        MedualTime model = runSpec.build().model();
        MedualTimeCheckpoint.load(model, checkpoint);
        if (this.label == null) reorderHead(model, names);
        runSpec = runSpec.withPins(Pins.of(runSpec, null));

        RunFolder run = runFolder();
        MedualTimeCheckpoint.save(model, run.resolve(ModelSpec.CHECKPOINT));
        MetricsFile metrics = new MetricsFile().command("import").arguments(RunOptions.arguments(spec))
                .config("checkpoint", checkpoint.toAbsolutePath().normalize().toString())
                .config("head_rows", classes).config("model", runSpec.model()).config("label", runSpec.label()).config("classes", names)
                .config("text_encoder", runSpec.textEncoder() + (runSpec.bertFolder() != null ? " (" + runSpec.bertFolder() + ")" : ""))
                .config("pins", runSpec.pins());
        if (runSpec.lmFolder() != null) metrics.lmPretrained(Path.of(runSpec.lmFolder()), "GPT-2 weights");
        else metrics.lm(random.describe(), false);
        run.complete(metrics);
        runSpec.write(run.dir());     // last: a folder with run.json is a complete run

        log.println("[lm]   " + (random != null ? "*** " + random.describe() + " ***" : "weights from " + runSpec.lmFolder()));
        log.println("[text] report vectors: " + (useBert ? "frozen BERT [CLS] from " + runSpec.bertFolder() : "the frozen LM itself"));
        log.printf(Locale.ROOT,
                "imported %s: M = %d, K = %d, patch %d / stride %d, %d leads x %d steps, TemEnc width %d, classes %s (head rows %s)%n",
                checkpoint, cfg.adapterLayers(), cfg.adapterTokens(), cfg.patchLen(), cfg.stride(), cfg.leads(), cfg.steps(),
                cfg.temEncWidth(),
                String.join(",", names), String.join(",", classes));
        log.println("run folder: " + run.dir() + " (eval / predict --run " + run.dir() + " --data DIR)");
        return 0;
    }

    /** --out: refused when it holds files, unless --overwrite (which deletes the old run's files first, only in a run folder). */
    private RunFolder runFolder() {
        try {
            return RunFolder.open(out, overwrite ? RunFolder.Existing.OVERWRITE : RunFolder.Existing.REFUSE);
        } catch (IllegalArgumentException e) {
            if (overwrite || !Files.isDirectory(out)) throw e;
            throw new UserError(
                    "run folder " + out + " already holds files; replace the run in it with --overwrite, or choose another --out");
        }
    }

    /** A PyTorch pickle (zip or legacy) is refused with the conversion to run; anything else must open as safetensors. */
    static void requireSafetensors(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean zip = n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4,
                pickle = n >= 1 && (head[0] & 0xff) == 0x80;
        if (zip || pickle || name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".bin"))
            throw new UserError(file + " is a PyTorch checkpoint (a Python pickle, which Java does not read); convert it first: "
                    + "/usr/bin/python3 tools/convert_pth.py " + file + " " + stripExtension(file) + ".safetensors");
    }

    private static String stripExtension(Path file) {
        String s = file.toString();
        int dot = s.lastIndexOf('.');
        return dot > s.lastIndexOf(file.getFileSystem().getSeparator()) ? s.substring(0, dot) : s;
    }

    private static Map<String, long[]> shapes(Path file) throws IOException {
        Map<String, long[]> out = new HashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) out.put(name, f.info(name).shape());
        }
        return out;
    }

    /** The config the checkpoint's tensors fix, checked against the LM and the options. */
    MedualTimeConfig config(Map<String, long[]> shapes, Gpt2Config lmc, boolean useBert) {
        TreeSet<Integer> gates = new TreeSet<>();
        for (String name : shapes.keySet()) {
            Matcher m = GATE.matcher(name);
            if (m.matches()) gates.add(Integer.parseInt(m.group(1)));
        }
        int m = gates.size(), layers = lmc.nLayer();
        if (m == 0)
            throw new UserError(
                    checkpoint + ": no h.{i}.attn.gate tensors (is it a MedualTime checkpoint written by tools/convert_pth.py?)");
        if (gates.first() != layers - m || gates.last() != layers - 1)
            throw new UserError(checkpoint + ": gates on layers " + gates + " are not the top " + m + " of the LM's " + layers + " layers");
        if (adapterLayers != null && adapterLayers != m)
            throw new UserError("--adapter-layers " + adapterLayers + " but " + checkpoint + " has gates on " + m + " layers " + gates);
        long[] queries = need(shapes, "adapter_query_ts.weight", 2);
        long[] head = need(shapes, "head.weight", 2);
        long[] patchIn = need(shapes, "ts_adapter_layer.weight", 2);
        long[] temEnc = need(shapes, "adapter_temenc.resblock1.convblock1.0.weight", 3);
        int d = lmc.nEmbd();
        if (queries[1] != d)
            throw new UserError(checkpoint + ": adapter_query_ts.weight is " + Arrays.toString(queries) + ", the LM's width is " + d);
        if (queries[0] % m != 0)
            throw new UserError(checkpoint + ": adapter_query_ts.weight has " + queries[0] + " rows, not a multiple of M = " + m);
        int k = (int) (queries[0] / m);
        if (adapterTokens != null && adapterTokens != k)
            throw new UserError("--adapter-tokens " + adapterTokens + " but " + checkpoint + " has " + queries[0]
                    + " adaptation queries for M = " + m + " (K = " + k + ")");
        if (head[0] != classes.size())
            throw new UserError("--classes names " + classes.size() + " classes but " + checkpoint + "'s head.weight "
                    + Arrays.toString(head) + " has " + head[0] + " rows");
        if (patchIn[1] != (long) leads * patchLen)
            throw new UserError(checkpoint + ": ts_adapter_layer.weight is " + Arrays.toString(patchIn) + ", but --leads " + leads
                    + " x --patch-len " + patchLen + " = " + leads * patchLen);
        if (temEnc[1] != leads)
            throw new UserError(checkpoint + ": adapter_temenc.resblock1.convblock1.0.weight is " + Arrays.toString(temEnc) + ", for "
                    + temEnc[1] + " leads, not --leads " + leads);
        MedualTimeConfig cfg;
        try {
            cfg = new MedualTimeConfig(m, k, patchLen, stride, leads, steps, (int) head[0], MedualTimeConfig.defaults(1).dropout(),
                    useBert ? MedualTimeConfig.TextEncoderKind.DISTILBERT : MedualTimeConfig.TextEncoderKind.GPT2, (int) temEnc[0]);
            cfg.checkFits(lmc);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        return cfg;
    }

    private long[] need(Map<String, long[]> shapes, String name, int rank) {
        long[] s = shapes.get(name);
        if (s == null)
            throw new UserError(checkpoint + ": no " + name + (name.startsWith("head.")
                    ? " (convert the .pth again with the current "
                            + "tools/convert_pth.py: older versions dropped the official classifier)"
                    : ""));
        if (s.length != rank)
            throw new UserError(checkpoint + ": " + name + " is " + Arrays.toString(s) + ", expected " + rank + " dimensions");
        return s;
    }

    /** The 5 fine or 4 coarse classes, each once, in any order. */
    static LabelKind labelKind(List<String> given) {
        List<String> upper = given.stream().map(s -> s.strip().toUpperCase(Locale.ROOT)).toList();
        if (new HashSet<>(upper).size() != upper.size())
            throw new UserError("--classes " + String.join(",", given) + ": a class is named twice");
        if (upper.size() == 5 && new HashSet<>(upper).equals(new HashSet<>(EcgClasses.FINE))) return LabelKind.FINE;
        if (upper.size() == 4 && new HashSet<>(upper).equals(new HashSet<>(EcgClasses.COARSE))) return LabelKind.COARSE;
        throw new UserError(
                "--classes " + String.join(",", given) + ": name the 5 classes " + String.join(",", EcgClasses.FINE) + " or the 4 "
                        + String.join(",", EcgClasses.COARSE) + ", each once, in the order of the checkpoint's head rows");
    }

    /** The --classes names as given (stripped), each once. */
    static List<String> asGiven(List<String> given) {
        List<String> names = given.stream().map(String::strip).toList();
        if (new HashSet<>(names).size() != names.size())
            throw new UserError("--classes " + String.join(",", given) + ": a class is named twice");
        return names;
    }

    /** Moves the head's rows from the order of --classes into {@code names}' order. */
    private void reorderHead(MedualTime model, List<String> names) {
        List<String> rows = classes.stream().map(s -> s.strip().toUpperCase(Locale.ROOT)).toList();
        Map<String, Tensor> sd = model.stateDict();
        Tensor w = sd.get("head.weight"), b = sd.get("head.bias");
        int c = w.shape()[0], d = w.shape()[1];
        float[] wv = w.toArray(), bv = b.toArray(), nw = new float[wv.length], nb = new float[bv.length];
        for (int i = 0; i < c; i++) {
            int from = rows.indexOf(names.get(i));
            System.arraycopy(wv, from * d, nw, i * d, d);
            nb[i] = bv[from];
        }
        Map<String, Tensor> head = new LinkedHashMap<>();
        head.put("head.weight", Tensor.of(nw, c, d));
        head.put("head.bias", Tensor.of(nb, c));
        model.loadStateDict(head, false);
    }

    static ModelSpec.RandomLm randomLm(String sizes) {
        String[] p = sizes.split(",");
        try {
            if (p.length != 3 && p.length != 4) throw new NumberFormatException();
            return new ModelSpec.RandomLm(Gpt2Tokenizer.GPT2_VOCAB_SIZE, 1024, Integer.parseInt(p[0].strip()),
                    Integer.parseInt(p[1].strip()),
                    Integer.parseInt(p[2].strip()), p.length == 4 ? Long.parseLong(p[3].strip()) : 0L);
        } catch (NumberFormatException e) {
            throw new UserError("--random-lm " + sizes + ": expected WIDTH,LAYERS,HEADS or WIDTH,LAYERS,HEADS,SEED (integers)");
        } catch (IllegalArgumentException e) {
            throw new UserError("--random-lm " + sizes + ": " + e.getMessage());
        }
    }

    private static Gpt2Config lmConfig(Path dir) {
        if (!Files.isDirectory(dir)) throw new UserError("--lm " + dir + ": no such folder");
        try {
            return Gpt2Config.load(dir);
        } catch (Exception e) {
            throw new UserError("--lm " + dir + ": " + e.getMessage());
        }
    }

    private static String absolute(Path p) { return p.toAbsolutePath().normalize().toString(); }
}
