package io.medualtime.nn.bert;

import io.medualtime.tensor.Rng;

/**
 * DistilBERT (Sanh et al. 2019) with Hugging Face DistilBertModel's names:
 * {@code embeddings.{word_embeddings, position_embeddings, LayerNorm}} and
 * {@code transformer.layer.{i}.{attention.{q,k,v,out}_lin, sa_layer_norm, ffn.lin1, ffn.lin2, output_layer_norm}}.
 * LayerNorm eps is 1e-12 (hard-coded by HF). The forward is {@link BertEncoder#lastHidden}:
 * <pre>
 *   x = LN(word[ids] + pos[0..T-1])
 *   per layer: x = sa_layer_norm(x + out_lin(softmax(q k^T / sqrt(hd) + mask) v))
 *              x = output_layer_norm(x + lin2(gelu(lin1(x))))
 * </pre>
 */
public final class DistilBert extends BertEncoder {
    public DistilBert(BertConfig config, Rng rng) {
        super(requireDistil(config), "transformer.layer.", EncoderLayer.Names.DISTILBERT, rng);
    }

    private static BertConfig requireDistil(BertConfig c) {
        if (!c.isDistilBert()) throw new IllegalArgumentException("DistilBert needs a distilbert config, got model_type " + c.modelType());
        return c;
    }
}
