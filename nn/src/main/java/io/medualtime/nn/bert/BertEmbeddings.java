package io.medualtime.nn.bert;

import io.medualtime.nn.Dropout;
import io.medualtime.nn.Embedding;
import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * BERT / DistilBERT input embeddings: LayerNorm(word[ids] + position[0..T-1] (+ token_type[types]))
 * with dropout. DistilBERT has no token-type table (type_vocab_size 0). Hugging Face names:
 * {@code word_embeddings}, {@code position_embeddings}, {@code token_type_embeddings}, {@code LayerNorm}.
 * (DistilBERT's sinusoidal position table, when configured, is stored in position_embeddings too.)
 */
public final class BertEmbeddings extends Module {
    public final Embedding word, position, tokenType;
    public final LayerNorm norm;
    private final Dropout drop;
    private final int maxPositions;

    public BertEmbeddings(BertConfig cfg, Rng rng) {
        int d = cfg.hiddenSize();
        maxPositions = cfg.maxPositionEmbeddings();
        word = child("word_embeddings", new Embedding(cfg.vocabSize(), d, 0.02f, rng));
        position = child("position_embeddings", new Embedding(maxPositions, d, 0.02f, rng));
        tokenType = cfg.typeVocabSize() > 0 ? child("token_type_embeddings", new Embedding(cfg.typeVocabSize(), d, 0.02f, rng)) : null;
        norm = child("LayerNorm", new LayerNorm(d, (float) cfg.layerNormEps()));
        drop = child("dropout", new Dropout((float) cfg.hiddenDropoutProb(), rng));
    }

    /** ids [B*T]; tokenTypes [B*T] or null (all type 0; must be null for DistilBERT). Returns [B, T, d]. */
    public Tensor forward(int[] ids, int[] tokenTypes, int batch, int time) {
        if (time > maxPositions)
            throw new IllegalArgumentException("sequence of " + time + " tokens exceeds max_position_embeddings " + maxPositions);
        int[] pos = new int[time];
        for (int t = 0; t < time; t++) pos[t] = t;
        Tensor x = word.forward(ids, batch, time).add(position.forward(pos, time));
        if (tokenType != null) {
            int[] types = tokenTypes != null ? tokenTypes : new int[batch * time];
            if (types.length != batch * time)
                throw new IllegalArgumentException("token types have " + types.length + " entries, expected " + batch + " x " + time);
            x = x.add(tokenType.forward(types, batch, time));
        } else if (tokenTypes != null) {
            throw new IllegalArgumentException("this model has no token-type embeddings (DistilBERT); pass null token types");
        }
        return drop.forward(norm.forward(x));
    }
}
