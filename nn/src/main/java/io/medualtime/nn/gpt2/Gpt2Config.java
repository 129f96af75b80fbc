package io.medualtime.nn.gpt2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.nn.config.ConfigException;
import io.medualtime.nn.config.ConfigFields;
import io.medualtime.nn.config.SizeLimits;
import io.medualtime.nn.config.StateDictShapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * GPT-2 hyper-parameters, read from a Hugging Face {@code config.json}.
 *
 * <p>Required fields: vocab_size, n_embd, n_layer, n_head, and n_positions (or the legacy n_ctx when
 * n_positions is absent). Optional fields take transformers' GPT2Config defaults: n_inner null means
 * 4 * n_embd, layer_norm_epsilon 1e-5, activation_function "gelu_new" (only gelu_new and
 * gelu_pytorch_tanh, the same tanh approximation, are accepted), dropouts 0.1, bos/eos 50256,
 * scale_attn_weights true, scale_attn_by_inverse_layer_idx false, reorder_and_upcast_attn false,
 * tie_word_embeddings true. model_type, when present, must be "gpt2" (distilgpt2 uses it too).
 *
 * <p>The constructor validates (IllegalArgumentException naming the field); {@link #load} reports the
 * same problems as a {@link ConfigException} naming the file and field. Sizes have upper limits
 * ({@link SizeLimits}: vocab_size 2^20, n_positions 65,536, n_embd 65,536, n_layer 1,024, n_head
 * 1,024, n_inner 262,144, and each implied tensor below 2^31 elements), checked before anything is
 * allocated.
 */
public record Gpt2Config(
        String modelType,
        int vocabSize,
        int nPositions,
        int nEmbd,
        int nLayer,
        int nHead,
        int nInner,
        double layerNormEpsilon,
        String activationFunction,
        double residPdrop,
        double embdPdrop,
        double attnPdrop,
        int bosTokenId,
        int eosTokenId,
        boolean scaleAttnWeights,
        boolean scaleAttnByInverseLayerIdx,
        boolean reorderAndUpcastAttn,
        boolean tieWordEmbeddings) {

    public static final String CONFIG_FILE = "config.json";
    public static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh");

    public Gpt2Config {
        if (!"gpt2".equals(modelType))
            throw new IllegalArgumentException("field \"model_type\" must be \"gpt2\", got \"" + modelType + "\"");
        SizeLimits.requireSize("vocab_size", vocabSize, SizeLimits.MAX_VOCAB);
        SizeLimits.requireSize("n_positions", nPositions, SizeLimits.MAX_POSITIONS);
        SizeLimits.requireSize("n_embd", nEmbd, SizeLimits.MAX_WIDTH);
        SizeLimits.requireSize("n_layer", nLayer, SizeLimits.MAX_LAYERS);
        SizeLimits.requireSize("n_head", nHead, SizeLimits.MAX_HEADS);
        SizeLimits.requireSize("n_inner", nInner, SizeLimits.MAX_INNER);
        SizeLimits.requireTensor("vocab_size x n_embd (wte)", vocabSize, nEmbd);
        SizeLimits.requireTensor("n_positions x n_embd (wpe)", nPositions, nEmbd);
        SizeLimits.requireTensor("n_embd x 3 n_embd (c_attn)", nEmbd, 3L * nEmbd);
        SizeLimits.requireTensor("n_embd x n_inner (c_fc)", nEmbd, nInner);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("field \"n_embd\" (" + nEmbd + ") is not divisible by \"n_head\" (" + nHead + ")");
        }
        if (!(layerNormEpsilon > 0) || Double.isInfinite(layerNormEpsilon)) {
            throw new IllegalArgumentException("field \"layer_norm_epsilon\" must be a positive number, got " + layerNormEpsilon);
        }
        if (!ACTIVATIONS.contains(activationFunction)) {
            throw new IllegalArgumentException("field \"activation_function\" is \"" + activationFunction
                    + "\"; only gelu_new and gelu_pytorch_tanh (GPT-2's tanh GELU) are supported");
        }
        probability("resid_pdrop", residPdrop);
        probability("embd_pdrop", embdPdrop);
        probability("attn_pdrop", attnPdrop);
        tokenId("bos_token_id", bosTokenId, vocabSize);
        tokenId("eos_token_id", eosTokenId, vocabSize);
    }

    private static void probability(String field, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("field \"" + field + "\" must be in [0, 1), got " + p);
    }

    private static void tokenId(String field, int id, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("field \"" + field + "\" = " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    /** Head dimension n_embd / n_head. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /**
     * Trainable parameters of GPT2LMHeadModel with the LM head tied to wte (what HF's
     * num_parameters() reports): embeddings, per layer ln_1, c_attn, c_proj, ln_2, c_fc, mlp c_proj, and ln_f.
     */
    public long parameterCount() {
        long e = nEmbd, f = nInner;
        long perLayer = 2 * e + (e * 3 * e + 3 * e) + (e * e + e) + 2 * e + (e * f + f) + (f * e + e);
        long untied = tieWordEmbeddings ? 0 : (long) vocabSize * e;
        return (long) vocabSize * e + (long) nPositions * e + nLayer * perLayer + 2 * e + untied;
    }

    /**
     * The shape of every tensor of {@link Gpt2}'s state dict, by name in registration order: what a
     * weights file must hold for this config, known before the model is built.
     */
    public Map<String, int[]> stateDictShapes() {
        Map<String, int[]> s = new LinkedHashMap<>();
        int c = nEmbd;
        s.put("wte.weight", new int[]{vocabSize, c});
        s.put("wpe.weight", new int[]{nPositions, c});
        for (int i = 0; i < nLayer; i++) {
            String p = "h." + i + ".";
            StateDictShapes.layerNorm(s, p + "ln_1", c);
            StateDictShapes.conv1D(s, p + "attn.c_attn", c, 3 * c);
            StateDictShapes.conv1D(s, p + "attn.c_proj", c, c);
            StateDictShapes.layerNorm(s, p + "ln_2", c);
            StateDictShapes.conv1D(s, p + "mlp.c_fc", c, nInner);
            StateDictShapes.conv1D(s, p + "mlp.c_proj", nInner, c);
        }
        StateDictShapes.layerNorm(s, "ln_f", c);
        return s;
    }

    /** This config with embedding, attention and residual dropout all {@code p} (the official {@code --gpt_dropout}). */
    public Gpt2Config withDropout(double p) {
        return new Gpt2Config(modelType, vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, layerNormEpsilon, activationFunction,
                p, p, p, bosTokenId, eosTokenId, scaleAttnWeights, scaleAttnByInverseLayerIdx, reorderAndUpcastAttn, tieWordEmbeddings);
    }

    /** A config with HF defaults for everything but the architecture sizes (n_inner = 4 * n_embd). */
    public static Gpt2Config of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new Gpt2Config("gpt2", vocabSize, nPositions, nEmbd, nLayer, nHead, 4 * nEmbd, 1e-5, "gelu_new",
                0.1, 0.1, 0.1, Math.min(50256, vocabSize - 1), Math.min(50256, vocabSize - 1), true, false, false, true);
    }

    /** gpt2 (124M): 12 layers, 768 wide, 12 heads. For tests and benchmarks. */
    public static Gpt2Config gpt2() {
        return of(50257, 1024, 768, 12, 12);
    }

    /** gpt2-medium (355M): 24 layers, 1024 wide, 16 heads. */
    public static Gpt2Config gpt2Medium() {
        return of(50257, 1024, 1024, 24, 16);
    }

    /** gpt2-large (774M): 36 layers, 1280 wide, 20 heads. */
    public static Gpt2Config gpt2Large() {
        return of(50257, 1024, 1280, 36, 20);
    }

    /** gpt2-xl (1.5B): 48 layers, 1600 wide, 25 heads. */
    public static Gpt2Config gpt2Xl() {
        return of(50257, 1024, 1600, 48, 25);
    }

    /** distilgpt2 (82M): 6 layers, 768 wide, 12 heads. */
    public static Gpt2Config distilgpt2() {
        return of(50257, 1024, 768, 6, 12);
    }

    /** One of the known sizes by Hugging Face name (gpt2, gpt2-medium, gpt2-large, gpt2-xl, distilgpt2). */
    public static Gpt2Config named(String name) {
        return switch (name) {
            case "gpt2" -> gpt2();
            case "gpt2-medium" -> gpt2Medium();
            case "gpt2-large" -> gpt2Large();
            case "gpt2-xl" -> gpt2Xl();
            case "distilgpt2" -> distilgpt2();
            default -> throw new IllegalArgumentException("unknown GPT-2 size '" + name
                    + "' (known: gpt2, gpt2-medium, gpt2-large, gpt2-xl, distilgpt2)");
        };
    }

    /** Reads {@code config.json} from a model folder (or the given .json file). */
    public static Gpt2Config load(Path folderOrFile) throws ConfigException {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(CONFIG_FILE) : folderOrFile;
        ConfigFields f = ConfigFields.read(file);
        String modelType = f.optionalString("model_type", "gpt2");
        if (!modelType.equals("gpt2")) {
            throw f.error("model_type", "is \"" + modelType + "\", not \"gpt2\"");
        }
        int vocab = f.requiredInt("vocab_size");
        int nPositions = f.requiredIntOneOf("n_positions", "n_ctx");
        int nEmbd = f.requiredInt("n_embd");
        int nLayer = f.requiredInt("n_layer");
        int nHead = f.requiredInt("n_head");
        Integer nInner = f.nullableInt("n_inner");
        try {
            return new Gpt2Config(modelType, vocab, nPositions, nEmbd, nLayer, nHead,
                    nInner == null ? (int) Math.min(Integer.MAX_VALUE, 4L * nEmbd) : nInner,   // an n_embd too big is reported first
                    f.optionalDouble("layer_norm_epsilon", 1e-5),
                    f.optionalString("activation_function", "gelu_new"),
                    f.optionalDouble("resid_pdrop", 0.1),
                    f.optionalDouble("embd_pdrop", 0.1),
                    f.optionalDouble("attn_pdrop", 0.1),
                    f.optionalInt("bos_token_id", Math.min(50256, vocab - 1)),
                    f.optionalInt("eos_token_id", Math.min(50256, vocab - 1)),
                    f.optionalBool("scale_attn_weights", true),
                    f.optionalBool("scale_attn_by_inverse_layer_idx", false),
                    f.optionalBool("reorder_and_upcast_attn", false),
                    f.optionalBool("tie_word_embeddings", true));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** A Hugging Face compatible config.json for this config. */
    public String toJson() {
        ObjectNode o = ConfigFields.JSON.createObjectNode();
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("n_positions", nPositions);
        o.put("n_ctx", nPositions);
        o.put("n_embd", nEmbd);
        o.put("n_layer", nLayer);
        o.put("n_head", nHead);
        o.put("n_inner", nInner);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("activation_function", activationFunction);
        o.put("resid_pdrop", residPdrop);
        o.put("embd_pdrop", embdPdrop);
        o.put("attn_pdrop", attnPdrop);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("scale_attn_weights", scaleAttnWeights);
        o.put("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
        o.put("reorder_and_upcast_attn", reorderAndUpcastAttn);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        return ConfigFields.toText(o);
    }

    /** Writes {@code config.json} into the folder. */
    public void save(Path folder) throws IOException {
        Files.writeString(folder.resolve(CONFIG_FILE), toJson());
    }
}
