package io.medualtime.nn.bert;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.nn.tokenizer.WordPieceTokenizer;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A frozen BERT / DistilBERT text encoder: texts -> [CLS] vectors of the last hidden state, as
 * MedualTime's text vector for the temporal-primary pass (ClinicalBERT).
 *
 * <p>Each text is tokenized with the folder's WordPiece tokenizer as [CLS] pieces [SEP] and
 * <b>truncated</b> to {@link #maxLength()} = min(tokenizer model_max_length, max_position_embeddings)
 * tokens (the last kept token is always [SEP], as Hugging Face's truncation=True does). Texts are
 * run in batches of {@link #batchSize}, right-padded to the batch's longest text with the config's
 * pad id and masked, in eval mode without autograd. The model's parameters are frozen.
 */
public final class BertTextEncoder {
    public static final int DEFAULT_BATCH = 16;

    private final BertEncoder model;
    private final WordPieceTokenizer tokenizer;
    private final int maxLength;
    private final int batchSize;

    public BertTextEncoder(BertEncoder model, WordPieceTokenizer tokenizer, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (tokenizer.vocabSize() > model.config.vocabSize())
            throw new IllegalArgumentException("the tokenizer's vocabulary (" + tokenizer.vocabSize()
                    + " tokens) is larger than the model's vocab_size " + model.config.vocabSize());
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = Math.min(tokenizer.maxLength(), model.config.maxPositionEmbeddings());
        this.batchSize = batchSize;
        model.eval();
        model.freeze();
    }

    /** Model (config.json + safetensors) and tokenizer (vocab.txt + tokenizer_config.json) from one folder. */
    public static BertTextEncoder load(Path folder) throws IOException {
        BertEncoder model = BertLoader.load(folder);
        WordPieceTokenizer tok = WordPieceTokenizer.fromFolder(folder);
        try {
            return new BertTextEncoder(model, tok, DEFAULT_BATCH);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(folder + ": " + e.getMessage(), e);
        }
    }

    public BertEncoder model() { return model; }
    public WordPieceTokenizer tokenizer() { return tokenizer; }
    public int dim() { return model.hiddenSize(); }
    /** The longest token sequence fed to the model (longer texts are truncated). */
    public int maxLength() { return maxLength; }

    /** Token ids of one text: [CLS] pieces [SEP], truncated to maxLength(). */
    public int[] tokenize(String text) {
        return tokenizer.encode(text, maxLength);
    }

    /** [CLS] vectors [N, d] of the texts, in order. */
    public Tensor encode(List<String> texts) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts to encode");
        List<Tensor> parts = new ArrayList<>();
        try (GradMode g = GradMode.noGrad()) {
            for (int s = 0; s < texts.size(); s += batchSize) {
                List<String> chunk = texts.subList(s, Math.min(texts.size(), s + batchSize));
                parts.add(encodeBatch(chunk));
            }
            return parts.size() == 1 ? parts.get(0) : F.cat(0, parts.toArray(new Tensor[0]));
        }
    }

    /** The [CLS] vector [d] of one text. */
    public float[] encode(String text) { return encode(List.of(text)).toArray(); }

    private Tensor encodeBatch(List<String> texts) {
        int b = texts.size(), time = 0;
        int[][] tokens = new int[b][];
        for (int i = 0; i < b; i++) {
            tokens[i] = tokenize(texts.get(i));
            time = Math.max(time, tokens[i].length);
        }
        int[] ids = new int[b * time], mask = new int[b * time];
        java.util.Arrays.fill(ids, model.config.padTokenId());
        for (int i = 0; i < b; i++)
            for (int t = 0; t < tokens[i].length; t++) {
                ids[i * time + t] = tokens[i][t];
                mask[i * time + t] = 1;
            }
        return model.cls(ids, mask, b, time).contiguous();
    }
}
