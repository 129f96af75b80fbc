package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.medualtime.model.CachedTextEncoder;
import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.nn.tokenizer.Tokenizer;
import io.medualtime.tensor.Rng;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Everything needed to rebuild a trained model: the content of a run's {@code run.json}. The frozen parts come
 * from their sources (a Hugging Face GPT-2 folder, or a random-init GPT-2-architecture LM rebuilt bit for bit from
 * its sizes and seed; the optional BERT folder), the trained parts from {@code model.safetensors}.
 *
 * @param kind        what produced the run: {@code supervised}, {@code transfer} or {@code pretrain}
 * @param lmFolder    a Hugging Face GPT-2 folder (absolute), or null for {@code randomLm}
 * @param randomLm    the random-init LM (when {@code lmFolder} is null)
 * @param textEncoder {@code gpt2} (the frozen LM itself) or {@code bert}
 * @param bertFolder  the BERT/DistilBERT folder when {@code textEncoder} is {@code bert}
 * @param model       MedualTime's hyper-parameters
 * @param label       {@code fine} or {@code coarse}
 * @param classNames  the fixed class list of the head
 * @param mode        {@link Mode#cliName()}
 * @param seed        the run's seed (model initialisation; irrelevant once the checkpoint is loaded)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSpec(String kind, String lmFolder, RandomLm randomLm, String textEncoder, String bertFolder,
                        ModelConfig model, String label, List<String> classNames, String mode, long seed) {

    public static final String FILE = "run.json";
    public static final String CHECKPOINT = "model.safetensors";

    /** A GPT-2-architecture LM with random weights (NOT pretrained): sizes and the seed of its initialisation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RandomLm(int vocab, int positions, int width, int layers, int heads, long seed) {
        public Gpt2Config config() { return Gpt2Config.of(vocab, positions, width, layers, heads); }

        public String describe() {
            return String.format(Locale.ROOT, "GPT-2-architecture LM, random initialisation, NOT pretrained (%d layers, width %d, %d heads, seed %d)",
                    layers, width, heads, seed);
        }
    }

    /** {@link MedualTimeConfig} as plain JSON fields. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelConfig(int adapterLayers, int adapterTokens, int patchLen, int stride, int leads, int steps,
                              int classes, float dropout, String textEncoder, Integer temEncWidth) {
        public static ModelConfig of(MedualTimeConfig c) {
            return new ModelConfig(c.adapterLayers(), c.adapterTokens(), c.patchLen(), c.stride(), c.leads(), c.steps(),
                    c.classes(), c.dropout(), c.textEncoder().name(), c.temEncWidth());
        }

        public MedualTimeConfig toConfig() {
            return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, dropout,
                    MedualTimeConfig.TextEncoderKind.valueOf(textEncoder),
                    temEncWidth == null ? MedualTimeConfig.TEMENC_WIDTH : temEncWidth);
        }
    }

    /** A model rebuilt (or built fresh) from a spec: the model (in train mode, on the CPU), its tokenizer and frozen text encoder. */
    public record Built(MedualTime model, Tokenizer tokenizer, CachedTextEncoder textVectors) {}

    public boolean pretrainedLm() { return lmFolder != null; }

    public LabelKind labelKind() { return LabelKind.parse(label); }

    public Mode modeValue() { return Mode.parse(mode); }

    /** One line on the LM, honest about random weights. */
    public String describeLm() {
        return lmFolder != null ? "pretrained GPT-2 weights from " + lmFolder : randomLm.describe();
    }

    /**
     * Builds the frozen LM and a fresh MedualTime around it (adapters initialised from {@code seed}), plus the
     * tokenizer and the (cached) frozen report encoder.
     */
    public Built build() throws IOException {
        Gpt2 lm;
        Tokenizer tok;
        if (lmFolder != null) {
            Path dir = Path.of(lmFolder);
            if (!Files.isDirectory(dir)) throw new NoSuchFileException(lmFolder, null, "GPT-2 folder not found (--lm)");
            lm = Gpt2Loader.load(dir);
            tok = Gpt2Tokenizer.forModelFolder(dir);
        } else {
            lm = new Gpt2(randomLm.config(), new Rng(randomLm.seed()));
            tok = Gpt2Tokenizer.r50k();
        }
        MedualTime m = new MedualTime(lm, model.toConfig(), new Rng(seed));
        CachedTextEncoder text = m.textEncoder(tok, bertFolder == null ? null : Path.of(bertFolder));
        return new Built(m, tok, text);
    }

    public String toJson() { return MetricsJson.write(this); }

    public static ModelSpec fromJson(String json) { return MetricsJson.read(json, ModelSpec.class); }

    public void write(Path runDir) {
        io.medualtime.train.RunFolder.writeAtomically(runDir.resolve(FILE), toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads {@code run.json} of a run folder, with an error naming the file. */
    public static ModelSpec read(Path runDir) throws IOException {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "not a MedualTime run folder (no " + FILE + ")");
        try {
            return fromJson(Files.readString(f));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }
}
