package io.medualtime.nn.bert;

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
 * BERT or DistilBERT hyper-parameters from a Hugging Face {@code config.json}, in BERT's vocabulary.
 *
 * <p>BERT (model_type "bert"): required vocab_size, hidden_size, num_hidden_layers,
 * num_attention_heads, intermediate_size, max_position_embeddings; optional type_vocab_size (2),
 * layer_norm_eps (1e-12), hidden_act ("gelu"), hidden_dropout_prob (0.1),
 * attention_probs_dropout_prob (0.1), pad_token_id (0); position_embedding_type must be "absolute".
 *
 * <p>DistilBERT (model_type "distilbert", or no model_type but "dim" and "n_layers" present): required
 * vocab_size, dim, n_layers, n_heads, hidden_dim, max_position_embeddings; optional activation
 * ("gelu"), dropout (0.1), attention_dropout (0.1), pad_token_id (0), sinusoidal_pos_embds (false).
 * DistilBERT has no token-type embeddings (typeVocabSize 0) and its LayerNorms use eps 1e-12.
 *
 * <p>hidden_act / activation must be one of gelu (erf), gelu_new, gelu_pytorch_tanh, relu.
 *
 * <p>Sizes have upper limits ({@link SizeLimits}: vocab_size 2^20, hidden size 65,536, layers 1,024,
 * heads 1,024, intermediate size 262,144, max_position_embeddings 65,536, type_vocab_size 1,024, and
 * each implied tensor below 2^31 elements), checked before anything is allocated.
 */
public record BertConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        String hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int padTokenId,
        boolean sinusoidalPosEmbds) {

    public static final String CONFIG_FILE = "config.json";
    public static final Set<String> ACTIVATIONS = Set.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu");

    /** The config.json names of the fields that BERT and DistilBERT spell differently. */
    private record FieldNames(String width, String layers, String heads, String inner, String activation, String dropout,
            String attentionDropout) {
        static final FieldNames BERT = new FieldNames("hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob");
        static final FieldNames DISTILBERT = new FieldNames("dim", "n_layers", "n_heads", "hidden_dim", "activation", "dropout",
                "attention_dropout");

        static FieldNames of(String modelType) {
            return "distilbert".equals(modelType) ? DISTILBERT : BERT;
        }
    }

    public BertConfig {
        if (!"bert".equals(modelType) && !"distilbert".equals(modelType)) {
            throw new IllegalArgumentException("field \"model_type\" must be \"bert\" or \"distilbert\", got \"" + modelType + "\"");
        }
        boolean distil = "distilbert".equals(modelType);
        FieldNames n = FieldNames.of(modelType);
        SizeLimits.requireSize("vocab_size", vocabSize, SizeLimits.MAX_VOCAB);
        SizeLimits.requireSize(n.width(), hiddenSize, SizeLimits.MAX_WIDTH);
        SizeLimits.requireSize(n.layers(), numHiddenLayers, SizeLimits.MAX_LAYERS);
        SizeLimits.requireSize(n.heads(), numAttentionHeads, SizeLimits.MAX_HEADS);
        SizeLimits.requireSize(n.inner(), intermediateSize, SizeLimits.MAX_INNER);
        SizeLimits.requireSize("max_position_embeddings", maxPositionEmbeddings, SizeLimits.MAX_POSITIONS);
        SizeLimits.requireTensor("vocab_size x " + n.width(), vocabSize, hiddenSize);
        SizeLimits.requireTensor("max_position_embeddings x " + n.width(), maxPositionEmbeddings, hiddenSize);
        SizeLimits.requireTensor(n.width() + " x " + n.inner(), hiddenSize, intermediateSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("field \"" + n.width() + "\" (" + hiddenSize
                    + ") is not divisible by \"" + n.heads() + "\" (" + numAttentionHeads + ")");
        }
        if (distil ? typeVocabSize != 0 : typeVocabSize < 0 || typeVocabSize > SizeLimits.MAX_TOKEN_TYPES) {
            throw new IllegalArgumentException("field \"type_vocab_size\" = " + typeVocabSize + " is invalid"
                    + (distil ? " (DistilBERT has none: 0)" : " (supported: 0 to " + SizeLimits.MAX_TOKEN_TYPES + ")"));
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("field \"layer_norm_eps\" must be a positive number, got " + layerNormEps);
        }
        if (!ACTIVATIONS.contains(hiddenAct)) {
            throw new IllegalArgumentException("field \"" + n.activation() + "\" is \"" + hiddenAct
                    + "\"; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
        }
        if (!(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1)) {
            throw new IllegalArgumentException("field \"" + n.dropout() + "\" must be in [0, 1), got " + hiddenDropoutProb);
        }
        if (!(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1)) {
            throw new IllegalArgumentException(
                    "field \"" + n.attentionDropout() + "\" must be in [0, 1), got " + attentionProbsDropoutProb);
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException(
                    "field \"pad_token_id\" = " + padTokenId + " is outside the vocabulary [0, " + vocabSize + ")");
        }
    }

    /**
     * The shape of every tensor of the {@link Bert} or {@link DistilBert} state dict, by name in
     * registration order: what a weights file must hold for this config, known before the model is built.
     */
    public Map<String, int[]> stateDictShapes() {
        Map<String, int[]> s = new LinkedHashMap<>();
        int d = hiddenSize;
        s.put("embeddings.word_embeddings.weight", new int[]{vocabSize, d});
        s.put("embeddings.position_embeddings.weight", new int[]{maxPositionEmbeddings, d});
        if (typeVocabSize > 0) s.put("embeddings.token_type_embeddings.weight", new int[]{typeVocabSize, d});
        StateDictShapes.layerNorm(s, "embeddings.LayerNorm", d);
        EncoderLayer.Names n = isDistilBert() ? EncoderLayer.Names.DISTILBERT : EncoderLayer.Names.BERT;
        for (int i = 0; i < numHiddenLayers; i++) {
            String p = (isDistilBert() ? "transformer.layer." : "encoder.layer.") + i + ".";
            for (String lin : new String[]{n.query(), n.key(), n.value(), n.attnOut()}) StateDictShapes.linear(s, p + lin, d, d);
            StateDictShapes.layerNorm(s, p + n.attnNorm(), d);
            StateDictShapes.linear(s, p + n.ffnIn(), d, intermediateSize);
            StateDictShapes.linear(s, p + n.ffnOut(), intermediateSize, d);
            StateDictShapes.layerNorm(s, p + n.outNorm(), d);
        }
        return s;
    }

    public boolean isDistilBert() { return "distilbert".equals(modelType); }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** bert-base-uncased: 30522 vocab, 12 x 768, 12 heads, 3072 FFN. */
    public static BertConfig bertBaseUncased() {
        return new BertConfig("bert", 30522, 768, 12, 12, 3072, 512, 2, 1e-12, "gelu", 0.1, 0.1, 0, false);
    }

    /** bert-base-multilingual-cased: 119547 vocab, otherwise bert-base. */
    public static BertConfig bertBaseMultilingualCased() {
        return new BertConfig("bert", 119547, 768, 12, 12, 3072, 512, 2, 1e-12, "gelu", 0.1, 0.1, 0, false);
    }

    /** distilbert-base-uncased: 30522 vocab, 6 x 768, 12 heads, 3072 FFN. */
    public static BertConfig distilbertBaseUncased() {
        return new BertConfig("distilbert", 30522, 768, 6, 12, 3072, 512, 0, 1e-12, "gelu", 0.1, 0.1, 0, false);
    }

    /** distilbert-base-multilingual-cased: 119547 vocab, 6 x 768. */
    public static BertConfig distilbertBaseMultilingualCased() {
        return new BertConfig("distilbert", 119547, 768, 6, 12, 3072, 512, 0, 1e-12, "gelu", 0.1, 0.1, 0, false);
    }

    /** Reads {@code config.json} from a model folder (or the given .json file). */
    public static BertConfig load(Path folderOrFile) throws ConfigException {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(CONFIG_FILE) : folderOrFile;
        ConfigFields f = ConfigFields.read(file);
        String declared = f.optionalString("model_type", null);
        String type;
        if (declared == null) {
            type = f.has("dim") && f.has("n_layers") ? "distilbert" : "bert";
        } else if (declared.equals("bert") || declared.equals("distilbert")) {
            type = declared;
        } else {
            throw f.error("model_type", "is \"" + declared + "\"; supported: bert, distilbert");
        }
        boolean distil = type.equals("distilbert");
        FieldNames n = FieldNames.of(type);
        if (!distil) {
            String pos = f.optionalString("position_embedding_type", "absolute");
            if (!pos.equals("absolute")) {
                throw f.error("position_embedding_type", "is \"" + pos + "\"; only \"absolute\" is supported");
            }
        }
        try {
            return new BertConfig(type,
                    f.requiredInt("vocab_size"),
                    f.requiredInt(n.width()),
                    f.requiredInt(n.layers()),
                    f.requiredInt(n.heads()),
                    f.requiredInt(n.inner()),
                    f.requiredInt("max_position_embeddings"),
                    distil ? 0 : f.optionalInt("type_vocab_size", 2),
                    distil ? 1e-12 : f.optionalDouble("layer_norm_eps", 1e-12),
                    f.optionalString(n.activation(), "gelu"),
                    f.optionalDouble(n.dropout(), 0.1),
                    f.optionalDouble(n.attentionDropout(), 0.1),
                    f.optionalInt("pad_token_id", 0),
                    distil && f.optionalBool("sinusoidal_pos_embds", false));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** A Hugging Face compatible config.json in the model's own field names. */
    public String toJson() {
        ObjectNode o = ConfigFields.JSON.createObjectNode();
        FieldNames n = FieldNames.of(modelType);
        o.putArray("architectures").add(isDistilBert() ? "DistilBertModel" : "BertModel");
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put(n.width(), hiddenSize);
        o.put(n.layers(), numHiddenLayers);
        o.put(n.heads(), numAttentionHeads);
        o.put(n.inner(), intermediateSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        if (!isDistilBert()) {
            o.put("type_vocab_size", typeVocabSize);
            o.put("layer_norm_eps", layerNormEps);
        }
        o.put(n.activation(), hiddenAct);
        o.put(n.dropout(), hiddenDropoutProb);
        o.put(n.attentionDropout(), attentionProbsDropoutProb);
        o.put("pad_token_id", padTokenId);
        if (isDistilBert()) o.put("sinusoidal_pos_embds", sinusoidalPosEmbds);
        else o.put("position_embedding_type", "absolute");
        return ConfigFields.toText(o);
    }

    public void save(Path folder) throws IOException {
        Files.writeString(folder.resolve(CONFIG_FILE), toJson());
    }
}
