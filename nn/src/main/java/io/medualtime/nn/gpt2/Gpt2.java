package io.medualtime.nn.gpt2;

import io.medualtime.nn.Dropout;
import io.medualtime.nn.Embedding;
import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.io.FileStamp;
import io.medualtime.tensor.io.SafetensorsException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GPT-2 (Radford et al. 2019) with Hugging Face's parameter names and layouts, readable top to
 * bottom: token + position embeddings, n pre-LayerNorm blocks of causal self-attention and a GELU
 * MLP, a final LayerNorm, and the LM head tied to the token embedding.
 *
 * <pre>{@code
 * Gpt2 lm = Gpt2Loader.load(Path.of("gpt2"));           // a Hugging Face model folder, in eval mode
 * Tensor logits = lm.logits(lm.hidden(ids, null, 1, ids.length, null));  // [1, T, 50257]
 * }</pre>
 */
public final class Gpt2 extends Module {
    public final Gpt2Config config;
    public final Embedding wte, wpe;
    public final List<Block> h = new ArrayList<>();
    public final LayerNorm lnF;
    private final Dropout drop;

    public Gpt2(Gpt2Config config, Rng rng) { this(config, rng, true); }

    /**
     * With {@code initWeights} false the weights are left zero (LayerNorms one) instead of drawn
     * from {@code rng}, which then only seeds dropout: for loaders, which overwrite every weight
     * (drawing 124M normals would take most of the load time).
     */
    public Gpt2(Gpt2Config config, Rng rng, boolean initWeights) {
        // variants this implementation does not compute: refuse rather than give silently wrong logits
        // (reorder_and_upcast_attn only matters in half precision; we compute in float32)
        if (!config.scaleAttnWeights() || config.scaleAttnByInverseLayerIdx() || !config.tieWordEmbeddings())
            throw new IllegalArgumentException("unsupported GPT-2 variant: scale_attn_weights=" + config.scaleAttnWeights()
                    + ", scale_attn_by_inverse_layer_idx=" + config.scaleAttnByInverseLayerIdx()
                    + ", tie_word_embeddings=" + config.tieWordEmbeddings() + " (supported: true, false, true)");
        this.config = config;
        int c = config.nEmbd();
        Rng init = initWeights ? rng : null;
        wte = child("wte", new Embedding(config.vocabSize(), c, 0.02f, init));
        wpe = child("wpe", new Embedding(config.nPositions(), c, 0.01f, init));
        drop = child("drop", new Dropout((float) config.embdPdrop(), rng));
        for (int i = 0; i < config.nLayer(); i++) h.add(child("h." + i, new Block(config, i, rng, init)));
        lnF = child("ln_f", new LayerNorm(c, (float) config.layerNormEpsilon()));
    }

    /** The weights files whose pages this model reads (mapped weights); empty for heap weights. */
    private List<FileStamp> mappedFiles = List.of();

    /** Set by the loader when weights stay in the memory-mapped files. */
    void mappedFrom(List<FileStamp> files) {
        mappedFiles = List.copyOf(files);
    }

    /**
     * Throws, naming the file, if a weights file this model reads through memory mapping was
     * modified since it was loaded: its outputs would silently change. Call it before results are
     * reported; nothing to check for heap weights.
     */
    public void checkMappedWeights() throws SafetensorsException { FileStamp.verifyAll(mappedFiles); }

    /** Token + position embeddings of ids [B, T] starting at position {@code start}, with dropout. */
    public Tensor embed(int[] ids, int batch, int time, int start) {
        if (start + time > config.nPositions())
            throw new IllegalArgumentException("sequence of " + (start + time) + " positions exceeds the model's " + config.nPositions());
        int[] pos = new int[time];
        for (int t = 0; t < time; t++) pos[t] = start + t;
        return drop.forward(wte.forward(ids, batch, time).add(wpe.forward(pos, time)));
    }

    /**
     * Runs the blocks over embeddings x [B, T, C]. {@code padMask} [B*T] marks real tokens (1) and
     * padding (0) or is null; {@code hook} and {@code cache} may be null. Returns the hidden
     * state BEFORE the final LayerNorm.
     */
    public Tensor blocks(Tensor x, int[] padMask, AttentionHook hook, KvCache cache) {
        int b = x.size(0), t = x.size(1), c = config.nEmbd(), past = cache == null ? 0 : cache.length();
        Tensor mask = attentionMask(b, t, past, padMask, null, x.device());
        Passes one = Passes.single(b, t, mask, hook);
        Tensor rows = x.reshape(b * t, c);                                          // the blocks work on [B*T, C]
        for (Block block : h) rows = block.forward(rows, one, cache, false);
        if (cache != null) cache.advance(t);
        return rows.reshape(b, t, c);
    }

    /**
     * The blocks for a caller that reads one position per sample (a classifier on the last token):
     * equal to row {@code rowPerSample[b]} of each sample b of {@link #blocks} (without a cache),
     * [B, 1, C] before ln_f, but the last block computes only those query rows (its keys and values
     * still come from every position), which skips most of that block's work. In that block a
     * hook sees q [B, heads, 1, hd]; with dropout active its masks are drawn over fewer elements.
     */
    public Tensor blocksAt(Tensor x, int[] padMask, AttentionHook hook, int[] rowPerSample) {
        return blocksAt(List.of(new Pass(x, padMask, hook, rowPerSample))).get(0);
    }

    /**
     * Several independent batches through the blocks together (MedualTime's two passes; see
     * {@link Passes}), each result as {@link #blocks} or {@link #blocksAt} gives it alone: the
     * position-wise work runs once over the rows of all of them; attention, its mask and its hook
     * stay per batch.
     */
    public List<Tensor> blocksAt(List<Pass> passes) { return Passes.run(this, passes); }

    /** Final hidden states after ln_f: [B, T, C]. */
    public Tensor hidden(int[] ids, int[] padMask, int batch, int time, KvCache cache) {
        int past = cache == null ? 0 : cache.length();
        return lnF.forward(blocks(embed(ids, batch, time, past), padMask, null, cache));
    }

    /** The LM head: hidden [.., C] times wte^T -> logits [.., vocab]. */
    public Tensor logits(Tensor hidden) {
        return hidden.matmul(wte.weight.transpose(0, 1));
    }

    /**
     * The mask on {@code device}. Off the CPU masks are kept by content (a few: one per shape and
     * padding pattern met recently): building one on the host and uploading it would make the GPU
     * drain twice per forward.
     */
    Tensor attentionMask(int b, int t, int past, int[] padMask, int[] queryRows, Device device) {
        if (device == Device.CPU) return attentionMask(b, t, past, padMask, queryRows);
        MaskKey key = new MaskKey(b, t, past, padMask, queryRows, device);
        synchronized (deviceMasks) {
            Tensor m = deviceMasks.get(key);
            if (m == null) {
                if (deviceMasks.size() >= 64) deviceMasks.clear();
                m = TensorScope.persist(attentionMask(b, t, past, padMask, queryRows).to(device));
                deviceMasks.put(new MaskKey(b, t, past, clone(padMask), clone(queryRows), device), m);
            }
            return m;
        }
    }

    private final Map<MaskKey, Tensor> deviceMasks = new HashMap<>();

    private static int[] clone(int[] a) { return a == null ? null : a.clone(); }

    private record MaskKey(int b, int t, int past, int[] padMask, int[] queryRows, Device device) {
        @Override public boolean equals(Object o) {
            return o instanceof MaskKey k && b == k.b && t == k.t && past == k.past && device == k.device
                    && Arrays.equals(padMask, k.padMask) && Arrays.equals(queryRows, k.queryRows);
        }
        @Override public int hashCode() {
            return Objects.hash(b, t, past, device, Arrays.hashCode(padMask), Arrays.hashCode(queryRows));
        }
    }

    /**
     * Additive attention mask [B or 1, 1, T, past + T]: a large negative number where key j is in
     * the future of query i (causal), and -1e4 added where key j is padding (Hugging Face's rule).
     * With {@code queryRows} only query {@code queryRows[b]} of each sample: [B, 1, 1, past + T].
     */
    private Tensor attentionMask(int b, int t, int past, int[] padMask, int[] queryRows) {
        int keys = past + t, rows = padMask == null && queryRows == null ? 1 : b, queries = queryRows == null ? t : 1;
        if (padMask != null && padMask.length != b * keys)
            throw new IllegalArgumentException("padding mask has " + padMask.length + " entries, expected " + b + " x " + keys);
        float[] m = new float[rows * queries * keys];
        for (int r = 0; r < rows; r++)
            for (int qi = 0; qi < queries; qi++) {
                int i = queryRows == null ? qi : queryRows[r];
                for (int j = 0; j < keys; j++) {
                    float v = j > past + i ? -1e30f : 0f;
                    if (padMask != null && padMask[r * keys + j] == 0) v += -1e4f;
                    m[(r * queries + qi) * keys + j] = v;
                }
            }
        return Tensor.of(m, rows, 1, queries, keys);
    }

    /** One transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)). */
    public static final class Block extends Module {
        public final int index;
        public final LayerNorm ln1, ln2;
        public final Attention attn;
        public final Linear cFc, mlpProj;
        private final Dropout residDrop;

        Block(Gpt2Config cfg, int index, Rng rng, Rng init) {
            this.index = index;
            int c = cfg.nEmbd(), inner = cfg.nInner();
            float projStd = (float) (0.02 / Math.sqrt(2.0 * cfg.nLayer()));
            ln1 = child("ln_1", new LayerNorm(c, (float) cfg.layerNormEpsilon()));
            attn = child("attn", new Attention(cfg, index, rng, init));
            ln2 = child("ln_2", new LayerNorm(c, (float) cfg.layerNormEpsilon()));
            cFc = child("mlp.c_fc", Linear.conv1D(c, inner, 0.02f, init));
            mlpProj = child("mlp.c_proj", Linear.conv1D(inner, c, projStd, init));
            residDrop = child("mlp.dropout", new Dropout((float) cfg.residPdrop(), rng));
        }

        /**
         * x [rows, C]: the rows of one batch, or of several stacked ({@link Passes}); in the last block
         * a pass that reads one row per sample keeps only those rows.
         */
        Tensor forward(Tensor x, Passes passes, KvCache cache, boolean lastBlock) {
            Tensor a = attn.forward(ln1.forward(x), passes, cache, lastBlock);
            x = (lastBlock ? passes.keptRows(x) : x).add(a);
            Tensor m = mlpProj.forward(cFc.forward(ln2.forward(x)).gelu());
            return x.add(residDrop.forward(m));
        }
    }

    /** Causal multi-head self-attention with a fused q/k/v projection (c_attn) and c_proj. */
    public static final class Attention extends Module {
        public final int layer, heads, headDim;
        public final Linear cAttn, cProj;
        private final Dropout attnDrop, residDrop;

        Attention(Gpt2Config cfg, int layer, Rng rng, Rng init) {
            this.layer = layer;
            int c = cfg.nEmbd();
            heads = cfg.nHead();
            headDim = c / heads;
            cAttn = child("c_attn", Linear.conv1D(c, 3 * c, 0.02f, init));
            cProj = child("c_proj", Linear.conv1D(c, c, (float) (0.02 / Math.sqrt(2.0 * cfg.nLayer())), init));
            attnDrop = child("attn_dropout", new Dropout((float) cfg.attnPdrop(), rng));
            residDrop = child("resid_dropout", new Dropout((float) cfg.residPdrop(), rng));
        }

        /** Splits [B, T, 3C] (or the [.., 2C] key/value part) into per-head [B, heads, T, hd]. */
        public Tensor heads(Tensor qkv, int which) {
            int b = qkv.size(0), t = qkv.size(1), c = heads * headDim;
            return qkv.narrow(2, which * c, c).reshape(b, t, heads, headDim).transpose(1, 2);
        }

        /**
         * x [rows, C] (already ln_1'd) of every pass: one c_attn and one c_proj product for all of
         * them, attention per pass. In the last block a pass that reads one row per sample gets
         * only those query rows; keys and values always come from every position.
         */
        Tensor forward(Tensor x, Passes passes, KvCache cache, boolean lastBlock) {
            Tensor qkv = cAttn.forward(x);                                      // [rows, 3C]
            int c = heads * headDim;
            List<Tensor> own = passes.split(qkv, false), outs = new ArrayList<>();
            for (int p = 0; p < own.size(); p++) {
                Passes.Seq s = passes.seqs().get(p);
                int[] queryRows = lastBlock ? s.queryRows() : null;
                outs.add(attend(own.get(p).reshape(s.b(), s.t(), 3 * c), queryRows == null ? s.mask() : s.lastMask(), s.hook(), cache,
                        queryRows));
            }
            return residDrop.forward(cProj.forward(Passes.join(outs)));
        }

        /** Attention of one pass from its qkv [B, T, 3C]: [B * T (or B with queryRows), C], before c_proj. */
        private Tensor attend(Tensor qkv, Tensor mask, AttentionHook hook, KvCache cache, int[] queryRows) {
            if (cache == null && F.fusesSelfAttention(qkv, mask, queryRows)) return attendFused(qkv, mask, hook, queryRows);
            // dense copies once: each is read by two or three products (and their gradients), which
            // would otherwise each copy the strided per-head view again; q, k and v in one copy
            // ([3, B, heads, T, hd]) unless only some query rows are wanted
            Tensor q, k, v;
            if (queryRows == null) {
                int b = qkv.size(0), t = qkv.size(1);
                Tensor all = qkv.reshape(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4).contiguous();
                q = all.narrow(0, 0, 1).squeeze(0);
                k = all.narrow(0, 1, 1).squeeze(0);
                v = all.narrow(0, 2, 1).squeeze(0);
            } else {
                k = heads(qkv, 1).contiguous();
                v = heads(qkv, 2).contiguous();
                q = heads(Passes.rowsAt(qkv, queryRows), 0).contiguous();                // [B, heads, 1, hd]
            }
            int b = q.size(0), t = q.size(2);
            if (cache != null) { Tensor[] kv = cache.append(layer, k, v); k = kv[0]; v = kv[1]; }
            Tensor probs = F.scaledMaskedSoftmax(q.matmul(k.transpose(-1, -2)), (float) (1 / Math.sqrt(headDim)), mask);
            Tensor out = attnDrop.forward(probs).matmul(v).transpose(1, 2);    // [B, T, heads, hd]
            if (hook != null) out = hook.addTo(layer, q, this, out);
            return out.reshape(b * t, heads * headDim);
        }

        /**
         * The same on a backend with fused attention kernels (CUDA): q, k and v read in place from qkv and
         * the output written token-major ([B, T or 1, C]), no per-head copies; a hook gets q as a view.
         */
        private Tensor attendFused(Tensor qkv, Tensor mask, AttentionHook hook, int[] queryRows) {
            int b = qkv.size(0);
            float p = attnDrop.activeP();
            Tensor out = F.selfAttention(qkv, heads, mask, queryRows, (float) (1 / Math.sqrt(headDim)), p,
                    p > 0 ? attnDrop.nextSeed() : 0L);
            int rows = out.size(1);
            if (hook == null) return out.reshape(b * rows, heads * headDim);
            // q before out among the hook's inputs: backward then reaches the attention's node (which
            // writes the whole d(qkv)) before the q view's, whose gradient is added into it in place
            Tensor q = heads(queryRows == null ? qkv : Passes.rowsAt(qkv, queryRows), 0);
            return hook.addTo(layer, q, this, out.reshape(b, rows, heads, headDim)).reshape(b * rows, heads * headDim);
        }
    }
}
