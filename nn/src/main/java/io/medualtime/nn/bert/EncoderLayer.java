package io.medualtime.nn.bert;

import io.medualtime.nn.Dropout;
import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.ops.Elementwise;

/**
 * One post-LayerNorm transformer encoder layer, shared by BERT and DistilBERT (they differ only in
 * parameter names, see {@link Names}):
 * <pre>
 *   x = LN_attn(x + out(attention(q(x), k(x), v(x), mask)))
 *   x = LN_out (x + ffn_out(act(ffn_in(x))))
 * </pre>
 */
public final class EncoderLayer extends Module {

    /** Hugging Face names of a layer's sub-modules, relative to the layer. */
    public record Names(String query, String key, String value, String attnOut, String attnNorm,
            String ffnIn, String ffnOut, String outNorm) {
        /** DistilBertModel: {@code transformer.layer.{i}.*}. */
        public static final Names DISTILBERT = new Names("attention.q_lin", "attention.k_lin", "attention.v_lin",
                "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");
        /** BertModel: {@code encoder.layer.{i}.*}. */
        public static final Names BERT = new Names("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm");
    }

    public final int heads, headDim;
    public final Linear query, key, value, attnOut, ffnIn, ffnOut;
    public final LayerNorm attnNorm, outNorm;
    private final String activation;
    private final Dropout attnDrop, attnOutDrop, ffnDrop;

    public EncoderLayer(BertConfig cfg, Names n, Rng rng) {
        int d = cfg.hiddenSize(), inner = cfg.intermediateSize();
        heads = cfg.numAttentionHeads();
        headDim = cfg.headDim();
        activation = cfg.hiddenAct();
        query = child(n.query(), new Linear(d, d, true, rng));
        key = child(n.key(), new Linear(d, d, true, rng));
        value = child(n.value(), new Linear(d, d, true, rng));
        attnOut = child(n.attnOut(), new Linear(d, d, true, rng));
        attnNorm = child(n.attnNorm(), new LayerNorm(d, (float) cfg.layerNormEps()));
        ffnIn = child(n.ffnIn(), new Linear(d, inner, true, rng));
        ffnOut = child(n.ffnOut(), new Linear(inner, d, true, rng));
        outNorm = child(n.outNorm(), new LayerNorm(d, (float) cfg.layerNormEps()));
        attnDrop = child("attention_dropout", new Dropout((float) cfg.attentionProbsDropoutProb(), rng));
        attnOutDrop = child("attention_output_dropout", new Dropout((float) cfg.hiddenDropoutProb(), rng));
        ffnDrop = child("ffn_dropout", new Dropout((float) cfg.hiddenDropoutProb(), rng));
    }

    /** x [B, T, d]; keyMask [B, 1, 1, T] additive (0 real, very negative padding) or null. */
    public Tensor forward(Tensor x, Tensor keyMask) {
        x = attnNorm.forward(x.add(attnOutDrop.forward(attention(x, keyMask))));
        Tensor f = ffnOut.forward(activate(ffnIn.forward(x)));
        return outNorm.forward(x.add(ffnDrop.forward(f)));
    }

    /** Multi-head self-attention over all (unmasked) keys, projected by the output linear. */
    public Tensor attention(Tensor x, Tensor keyMask) {
        int b = x.size(0), t = x.size(1);
        Tensor q = splitHeads(query.forward(x)), k = splitHeads(key.forward(x)), v = splitHeads(value.forward(x));
        Tensor scores = q.matmul(k.transpose(-1, -2)).mul((float) (1 / Math.sqrt(headDim)));   // [B, H, T, T]
        if (keyMask != null) scores = scores.add(keyMask);
        Tensor ctx = attnDrop.forward(scores.softmax(-1)).matmul(v);                           // [B, H, T, hd]
        return attnOut.forward(ctx.transpose(1, 2).reshape(b, t, heads * headDim));
    }

    private Tensor splitHeads(Tensor y) {
        return y.reshape(y.size(0), y.size(1), heads, headDim).transpose(1, 2);
    }

    private Tensor activate(Tensor h) {
        // @formatter:off
        switch (activation) {
            case "gelu": return Elementwise.geluErf(h);                 // exact erf GELU (BERT, DistilBERT)
            case "gelu_new": case "gelu_pytorch_tanh": return h.gelu(); // tanh approximation
            case "relu": return h.relu();
            default: throw new IllegalStateException("unsupported activation " + activation);
        }
        // @formatter:on
    }
}
