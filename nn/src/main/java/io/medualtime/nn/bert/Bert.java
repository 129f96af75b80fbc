package io.medualtime.nn.bert;

import io.medualtime.tensor.Rng;

/**
 * Classic BERT (Devlin et al. 2019) with Hugging Face BertModel's names:
 * {@code embeddings.{word_embeddings, position_embeddings, token_type_embeddings, LayerNorm}} and
 * {@code encoder.layer.{i}.{attention.self.{query,key,value}, attention.output.{dense,LayerNorm},
 * intermediate.dense, output.{dense,LayerNorm}}}. The pooler is not part of this model (the loader
 * ignores it). Same post-LayerNorm layers as {@link DistilBert}, plus token-type (segment) embeddings:
 * <pre>
 *   x = LN(word[ids] + pos[0..T-1] + type[tokenTypes])
 *   per layer: x = attention.output.LayerNorm(x + dense(softmax(q k^T / sqrt(hd) + mask) v))
 *              x = output.LayerNorm(x + output.dense(act(intermediate.dense(x))))
 * </pre>
 */
public final class Bert extends BertEncoder {
    public Bert(BertConfig config, Rng rng) {
        super(requireBert(config), "encoder.layer.", EncoderLayer.Names.BERT, rng);
    }

    private static BertConfig requireBert(BertConfig c) {
        if (c.isDistilBert()) throw new IllegalArgumentException("Bert needs a bert config, got model_type distilbert");
        return c;
    }
}
