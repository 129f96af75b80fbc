package io.medualtime.nn.bert;

import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What BERT and DistilBERT share: embeddings, a stack of post-LayerNorm {@link EncoderLayer}s, no
 * final LayerNorm. Subclasses only choose the Hugging Face names ({@link Bert}, {@link DistilBert}).
 *
 * <pre>{@code
 * BertEncoder m = BertLoader.load(Path.of("ClinicalBERT"));
 * Tensor h = m.lastHidden(ids, mask, 2, 12);   // [2, 12, d]
 * Tensor c = m.cls(ids, mask, 2, 12);          // [2, d], the [CLS] (first) position
 * }</pre>
 *
 * ids and mask are row-major [batch, time]; mask is 1 for real tokens and 0 for padding (or null:
 * all real). Padded keys are excluded from attention exactly as in Hugging Face (their score is
 * float32's most negative value), so real positions do not depend on what the padding ids are.
 */
public abstract sealed class BertEncoder extends Module permits Bert, DistilBert {
    public final BertConfig config;
    public final BertEmbeddings embeddings;
    protected final List<EncoderLayer> layers = new ArrayList<>();

    /** @param layerPrefix e.g. "transformer.layer." or "encoder.layer." */
    BertEncoder(BertConfig config, String layerPrefix, EncoderLayer.Names names, Rng rng) {
        this.config = config;
        embeddings = child("embeddings", new BertEmbeddings(config, rng));
        for (int i = 0; i < config.numHiddenLayers(); i++)
            layers.add(child(layerPrefix + i, new EncoderLayer(config, names, rng)));
    }

    public List<EncoderLayer> layers() { return Collections.unmodifiableList(layers); }

    public int hiddenSize() { return config.hiddenSize(); }

    /** Last hidden state [B, T, d] (all token types 0). */
    public Tensor lastHidden(int[] ids, int[] mask, int batch, int time) {
        return lastHidden(ids, null, mask, batch, time);
    }

    /** Last hidden state [B, T, d]; tokenTypes [B*T] (BERT segment ids) or null. */
    public Tensor lastHidden(int[] ids, int[] tokenTypes, int[] mask, int batch, int time) {
        if (ids.length != batch * time)
            throw new IllegalArgumentException("ids have " + ids.length + " entries, expected " + batch + " x " + time);
        Tensor x = embeddings.forward(ids, tokenTypes, batch, time);
        Tensor keyMask = keyMask(mask, batch, time);
        for (EncoderLayer layer : layers) x = layer.forward(x, keyMask);
        return x;
    }

    /** The [CLS] vectors: the first position of the last hidden state, [B, d]. */
    public Tensor cls(int[] ids, int[] mask, int batch, int time) {
        return firstToken(lastHidden(ids, mask, batch, time));
    }

    /** hidden [B, T, d] -> hidden[:, 0] as [B, d]. */
    public static Tensor firstToken(Tensor hidden) {
        return hidden.narrow(1, 0, 1).reshape(hidden.size(0), hidden.size(2));
    }

    /** Additive key mask [B, 1, 1, T]: 0 for real keys, -Float.MAX_VALUE (torch.finfo.min) for padding; null if no mask. */
    static Tensor keyMask(int[] mask, int batch, int time) {
        if (mask == null) return null;
        if (mask.length != batch * time)
            throw new IllegalArgumentException("mask has " + mask.length + " entries, expected " + batch + " x " + time);
        float[] m = new float[batch * time];
        for (int i = 0; i < m.length; i++) m[i] = mask[i] == 0 ? -Float.MAX_VALUE : 0f;
        return Tensor.of(m, batch, 1, 1, time);
    }
}
