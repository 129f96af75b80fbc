package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.medualtime.model.CachedTextEncoder;
import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.StateDictLoader;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.nn.tokenizer.Tokenizer;
import io.medualtime.tensor.Rng;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything needed to rebuild a trained model: the content of a run's {@code run.json}. The frozen parts come
 * from their sources (a Hugging Face GPT-2 folder, or a random-init GPT-2-architecture LM rebuilt bit for bit from
 * its sizes and seed; the optional BERT folder), the trained parts from {@code model.safetensors}.
 *
 * @param kind        what produced the run: {@code supervised}, {@code transfer} or {@code pretrain}
 * @param lmFolder    a Hugging Face GPT-2 folder, or null for {@code randomLm} (absolute in memory; in run.json
 *                    relative to the run folder when inside it, see {@link RunPaths})
 * @param randomLm    the random-init LM (when {@code lmFolder} is null)
 * @param textEncoder {@code gpt2} (the frozen LM itself) or {@code bert}
 * @param bertFolder  the BERT/DistilBERT folder when {@code textEncoder} is {@code bert}
 * @param model       MedualTime's hyper-parameters
 * @param label       {@code fine}, {@code coarse} or {@code column:NAME} ({@link LabelKind#cliName()})
 * @param classNames  the fixed class list of the head
 * @param mode        {@link Mode#cliName()}
 * @param seed        the run's seed (model initialisation; irrelevant once the checkpoint is loaded)
 * @param pins        fingerprints of the frozen LM, text encoder and dataset ({@link Pins}); null in a run.json
 *                    written before runs were pinned
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(@JsonProperty(required = true) String kind, String lmFolder, RandomLm randomLm,
        @JsonProperty(required = true) String textEncoder, String bertFolder,
        @JsonProperty(required = true) ModelConfig model, @JsonProperty(required = true) String label,
        @JsonProperty(required = true) List<String> classNames, @JsonProperty(required = true) String mode,
        @JsonProperty(required = true) long seed, Pins pins) {

    public static final String FILE = "run.json";
    public static final String CHECKPOINT = "model.safetensors";
    /** The values of {@code kind}. */
    public static final List<String> KINDS = List.of("supervised", "transfer", "pretrain");

    /**
     * A GPT-2-architecture LM with random weights (NOT pretrained): sizes and the seed of its initialisation.
     * Sizes are bounded ({@link #MAX_VOCAB}, {@link #MAX_POSITIONS}, {@link #MAX_WIDTH}, {@link #MAX_LAYERS}) and
     * must fit the JVM's heap.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RandomLm(@JsonProperty(required = true) int vocab, @JsonProperty(required = true) int positions,
            @JsonProperty(required = true) int width, @JsonProperty(required = true) int layers,
            @JsonProperty(required = true) int heads, @JsonProperty(required = true) long seed) {
        public static final int MAX_VOCAB = 1 << 20, MAX_POSITIONS = 1 << 16, MAX_WIDTH = 1 << 14, MAX_LAYERS = 256;

        public RandomLm {
            within("vocab", vocab, Gpt2Tokenizer.GPT2_VOCAB_SIZE, MAX_VOCAB);   // GPT-2's tokenizer must fit
            within("positions", positions, 1, MAX_POSITIONS);
            within("width", width, 1, MAX_WIDTH);
            within("layers", layers, 1, MAX_LAYERS);
            within("heads", heads, 1, width);
            if (width % heads != 0) throw new IllegalArgumentException("width (" + width + ") is not divisible by heads (" + heads + ")");
            long bytes = Gpt2Config.of(vocab, positions, width, layers, heads).parameterCount() * Float.BYTES,
                    heap = Runtime.getRuntime().maxMemory();
            if (bytes > heap / 2)
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "a random LM of these sizes holds %.1f GB of weights, more than half the JVM's "
                                + "maximum heap (%.1f GB); raise it (MEDUALTIME_JAVA_OPTS=-Xmx...) or use smaller sizes",
                        bytes / 1e9, heap / 1e9));
        }

        public Gpt2Config config() { return Gpt2Config.of(vocab, positions, width, layers, heads); }

        /** The LM itself: the same weights for the same sizes and seed on every machine ({@link Rng}). */
        public Gpt2 generate() {
            return new Gpt2(config(), new Rng(seed));
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "GPT-2-architecture LM, random initialisation, NOT pretrained (%d layers, width %d, %d heads, seed %d)",
                    layers, width, heads, seed);
        }
    }

    /** {@link MedualTimeConfig} as plain JSON fields ({@code temEncWidth} may be absent: the official width). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelConfig(@JsonProperty(required = true) int adapterLayers, @JsonProperty(required = true) int adapterTokens,
            @JsonProperty(required = true) int patchLen, @JsonProperty(required = true) int stride,
            @JsonProperty(required = true) int leads, @JsonProperty(required = true) int steps,
            @JsonProperty(required = true) int classes, @JsonProperty(required = true) float dropout,
            @JsonProperty(required = true) String textEncoder, Integer temEncWidth) {
        public static ModelConfig of(MedualTimeConfig c) {
            return new ModelConfig(c.adapterLayers(), c.adapterTokens(), c.patchLen(), c.stride(), c.leads(), c.steps(),
                    c.classes(), c.dropout(), c.textEncoder().name(), c.temEncWidth());
        }

        /** The config, validated by {@link MedualTimeConfig} (an unknown textEncoder is an IllegalArgumentException). */
        public MedualTimeConfig toConfig() {
            return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, dropout,
                    MedualTimeConfig.TextEncoderKind.parse(textEncoder),
                    temEncWidth == null ? MedualTimeConfig.TEMENC_WIDTH : temEncWidth);
        }
    }

    /** A model rebuilt (or built fresh) from a spec: the model (in train mode, on the CPU), its tokenizer and frozen text encoder. */
    public record Built(MedualTime model, Tokenizer tokenizer, CachedTextEncoder textVectors) {}

    public boolean pretrainedLm() { return lmFolder != null; }

    /** The BERT folder giving the report vectors, or null when the LM itself gives them (a bertFolder is then unused). */
    public String textEncoderFolder() {
        return "bert".equals(textEncoder) ? bertFolder : null;
    }

    /** This spec built from other LM / BERT folders (null keeps the current one); the pins still say what it was trained with. */
    public ModelSpec withFolders(String lm, String bert) {
        return new ModelSpec(kind, lm != null ? lm : lmFolder, randomLm, textEncoder, bert != null ? bert : bertFolder, model, label,
                classNames, mode, seed, pins);
    }

    /** This spec with every recorded folder mapped by {@code f} (null stays null). */
    private ModelSpec mapFolders(java.util.function.UnaryOperator<String> f) {
        Pins p = pins == null ? null : new Pins(pins.lm(), pins.textEncoder(), pins.data(), f.apply(pins.dataFolder()), pins.unverified());
        return new ModelSpec(kind, f.apply(lmFolder), randomLm, textEncoder, f.apply(bertFolder), model, label, classNames, mode, seed, p);
    }

    /** This spec with other pins. */
    public ModelSpec withPins(Pins p) {
        return new ModelSpec(kind, lmFolder, randomLm, textEncoder, bertFolder, model, label, classNames, mode, seed, p);
    }

    public LabelKind labelKind() { return LabelKind.parseRecorded(label); }

    public Mode modeValue() { return Mode.parse(mode); }

    /** One line on the LM, honest about random weights. */
    public String describeLm() {
        return lmFolder != null ? "weights from " + lmFolder : randomLm.describe();
    }

    /**
     * Builds the frozen LM and a fresh MedualTime around it (adapters initialised from {@code seed}), plus the
     * tokenizer and the (cached) frozen report encoder.
     */
    public Built build() throws IOException { return build(TrainingSetup.DEFAULT); }

    /** {@link #build()} set up for training as {@code setup} says (the LM's dropout, the initialisation). */
    public Built build(TrainingSetup setup) throws IOException {
        Gpt2 lm;
        Tokenizer tok;
        Float p = setup.lmDropout();
        if (lmFolder != null) {
            Path dir = Path.of(lmFolder);
            if (!Files.isDirectory(dir)) throw new NoSuchFileException(lmFolder, null, "GPT-2 folder not found (--lm)");
            lm = p == null ? Gpt2Loader.load(dir) : Gpt2Loader.load(dir, StateDictLoader.NEVER_MAP, c -> c.withDropout(p));
            tok = Gpt2Tokenizer.forModelFolder(dir, lm.config.vocabSize());   // a tokenizer larger than the LM is refused here
        } else {
            lm = p == null ? randomLm.generate() : new Gpt2(randomLm.config().withDropout(p), new Rng(randomLm.seed()));
            tok = Gpt2Tokenizer.r50k();
        }
        MedualTime m = new MedualTime(lm, model.toConfig(), new Rng(seed));
        if (setup.officialInit()) m.adapterTemEnc.initOfficial(new Rng(seed ^ 0x7E3E4CL));
        CachedTextEncoder text = m.textEncoder(tok, bertFolder == null ? null : Path.of(bertFolder));
        return new Built(m, tok, text);
    }

    public String toJson() { return MetricsJson.write(this); }

    /** Writes run.json, its folders relative to {@code runDir} when they lie inside it ({@link RunPaths}). */
    public void write(Path runDir) {
        String json = mapFolders(f -> RunPaths.stored(runDir, f)).toJson();
        io.medualtime.train.RunFolder.writeAtomically(runDir.resolve(FILE), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads and validates {@code run.json} of a run folder: every problem (a missing or null field, a wrong type,
     * a size out of range, an unknown kind / mode / label / text encoder, empty or repeated class names) is an
     * IOException of one line naming the file and the field.
     */
    public static ModelSpec read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "not a MedualTime run folder (no " + FILE + ")");
        long size = Files.size(f);
        if (size > MAX_FILE_BYTES)
            throw new IOException(f + ": " + size + " bytes, more than a run.json can hold (" + MAX_FILE_BYTES + ")");
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(f + ": not UTF-8 text", e);
        }
        ModelSpec spec = StrictJson.read(f, text, ModelSpec.class);
        try {
            spec.validate();
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
        return spec.mapFolders(p -> RunPaths.resolved(runDir, p));
    }

    /** run.json is a few KB; anything this big is not one. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /** The checks of {@link #read} beyond types (the records check their own ranges while they are parsed). */
    void validate() {
        if (model == null) throw field("model", "is null");
        if (classNames == null || classNames.isEmpty()) throw field("classNames", "must be a non-empty list");
        if (kind == null || !KINDS.contains(kind)) throw field("kind", "must be one of " + KINDS + ", got " + quoted(kind));   // List.of rejects contains(null)
        if ((lmFolder == null) == (randomLm == null)) throw field("lmFolder", "exactly one of lmFolder and randomLm must be set");
        if (lmFolder != null && lmFolder.isBlank()) throw field("lmFolder", "is empty");
        if (!"gpt2".equals(textEncoder) && !"bert".equals(textEncoder))
            throw field("textEncoder", "must be gpt2 or bert, got " + quoted(textEncoder));
        if ("bert".equals(textEncoder) && (bertFolder == null || bertFolder.isBlank()))
            throw field("bertFolder", "must name the BERT folder when textEncoder is bert");
        MedualTimeConfig cfg;
        try {
            cfg = model.toConfig();
            if (randomLm != null) cfg.checkFits(randomLm.config());
        } catch (IllegalArgumentException e) {
            throw field("model", e.getMessage());
        }
        if ((cfg.textEncoder() == MedualTimeConfig.TextEncoderKind.DISTILBERT) != "bert".equals(textEncoder))
            throw field("model.textEncoder", model.textEncoder() + " does not match textEncoder " + textEncoder);
        try {
            LabelKind.parseRecorded(label);
        } catch (IllegalArgumentException e) {
            throw field("label", e.getMessage());
        }
        try {
            Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw field("mode", e.getMessage());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < classNames.size(); i++) {
            String c = classNames.get(i);
            if (c == null || c.isBlank()) throw field("classNames[" + i + "]", "is empty");
            if (!seen.add(c)) throw field("classNames[" + i + "]", quoted(c) + " is repeated");
        }
        if (classNames.size() != cfg.classes())
            throw field("classNames", "has " + classNames.size() + " names but model.classes is " + cfg.classes());
    }

    private static IllegalArgumentException field(String name, String problem) {
        return new IllegalArgumentException("field '" + name + "': " + problem);
    }

    private static void within(String name, int v, int min, int max) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + v);
    }

    private static String quoted(String s) { return s == null ? "null" : '"' + s + '"'; }
}
