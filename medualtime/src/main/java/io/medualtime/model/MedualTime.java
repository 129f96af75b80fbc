package io.medualtime.model;

import io.medualtime.nn.Dropout;
import io.medualtime.nn.Embedding;
import io.medualtime.nn.LayerNorm;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.nn.gpt2.AttentionHook;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.gpt2.Pass;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * MedualTime (docs/MODEL.md): a frozen GPT-2 run twice per sample, once per adapter.
 *
 * <ul>
 *   <li>Temporal-primary pass ({@link #temporalPrimary}): RevIN'd ECG patches are the input
 *       tokens; the adaptation tokens of layer l are {@code adapter_query_ts[l] + c_text}; output
 *       {@code adapter_ln_f2} of the last position.</li>
 *   <li>Textual-primary pass ({@link #textualPrimary}): the report tokens are the input; the
 *       adaptation tokens are {@code adapter_query_text[l] + c_ts}, c_ts = {@code adapter_ts_proj_norm(TemEnc(raw ECG))};
 *       output {@code adapter_ln_f1} of the last real token.</li>
 *   <li>z = (z_ts + z_text) / 2 -> {@code head}.</li>
 * </ul>
 *
 * <p>This module's parameters and buffers are exactly the trainable set of the official rule (name
 * contains "adapter" or "gate", plus the head) with the official names, and the TemEnc BatchNorm
 * statistics: {@link #stateDict()} is the checkpoint ({@link MedualTimeCheckpoint}). The LM is held
 * but not registered, and frozen: no weight gradient is ever computed for it, while gradients flow
 * through it to the adapters. {@link #train}, {@link #eval} and {@link #to} also apply to the LM.
 *
 * <pre>{@code
 * MedualTime model = MedualTime.fromGpt2Folder(Path.of("gpt2"), MedualTimeConfig.defaults(5), new Rng(0));
 * TextEncoder text = new CachedTextEncoder(new FrozenGpt2TextEncoder(model.lm, Gpt2Tokenizer.forModelFolder(dir), 32));
 * ReportBatch reports = model.tokenize(Gpt2Tokenizer.forModelFolder(dir), reportTexts);
 * MedualTime.Output out = model.forward(signals, reports, text.encode(reportTexts));
 * Tensor loss = F.crossEntropy(out.logits(), labels);
 * }</pre>
 */
public final class MedualTime extends Module {
    /** The four results of a forward pass: z_ts, z_text, z [B, d] and the logits [B, C]. */
    public record Output(Tensor zTs, Tensor zText, Tensor z, Tensor logits) {}

    public final MedualTimeConfig config;
    public final Gpt2 lm;
    public final Embedding adapterQueryTs, adapterQueryText;
    /** Per GPT-2 layer: the gate [1, heads, 1, 1] of that layer's adapter, null below the adapter layers. */
    private final Tensor[] gates;
    public final LayerNorm adapterLnF1, adapterLnF2, adapterTsProjNorm;
    public final Linear tsAdapterLayer;
    public final TemporalEncoder adapterTemEnc;
    public final Linear head;
    private final Dropout patchDropout;
    private final Rng attentionDropoutSeeds;

    /** A new model around a GPT-2 (which it freezes); adapters initialised as in the official code, gates 0. */
    public MedualTime(Gpt2 lm, MedualTimeConfig config, Rng rng) {
        config.checkFits(lm.config);
        this.config = config;
        this.lm = lm;
        lm.freeze();
        int d = lm.config.nEmbd(), rows = config.adapterLayers() * config.adapterTokens();
        adapterQueryTs = child("adapter_query_ts", new Embedding(rows, d, 1f, rng));
        adapterQueryText = child("adapter_query_text", new Embedding(rows, d, 1f, rng));
        gates = new Tensor[lm.config.nLayer()];
        for (int l = firstAdapterLayer(); l < gates.length; l++)
            gates[l] = param("h." + l + ".attn.gate", Tensor.zeros(1, lm.config.nHead(), 1, 1));
        adapterLnF1 = child("adapter_ln_f1", new LayerNorm(d, MedualTimeConfig.EPS));
        adapterLnF2 = child("adapter_ln_f2", new LayerNorm(d, MedualTimeConfig.EPS));
        adapterTsProjNorm = child("adapter_ts_proj_norm", new LayerNorm(d, MedualTimeConfig.EPS));
        tsAdapterLayer = child("ts_adapter_layer", new Linear(config.leads() * config.patchLen(), d, true, rng));
        adapterTemEnc = child("adapter_temenc", new TemporalEncoder(config.leads(), d, config.temEncWidth(), rng));
        head = child("head", new Linear(d, config.classes(), true, rng));
        patchDropout = child("patch_dropout", new Dropout(config.dropout(), rng));
        attentionDropoutSeeds = rng("attention_dropout_seeds", rng.split());
    }

    /**
     * Loads a Hugging Face GPT-2 folder and builds a fresh model around it; the frozen LM's large
     * weights stay in the memory-mapped file (read-only, off the heap; see {@link Gpt2Loader#load(Path, boolean)}).
     */
    public static MedualTime fromGpt2Folder(Path folder, MedualTimeConfig config, Rng rng) throws IOException {
        return new MedualTime(Gpt2Loader.load(folder, true), config, rng);
    }

    /** The lowest GPT-2 layer with adaptation tokens: n - M. */
    public int firstAdapterLayer() {
        return lm.config.nLayer() - config.adapterLayers();
    }

    /** The gate of a GPT-2 layer ([1, heads, 1, 1]); null for layers without an adapter. */
    public Tensor gate(int layer) {
        return gates[layer];
    }

    /** Parameters that train (903,300 + head with GPT-2 small and the defaults). */
    public long trainableParameterCount() {
        return parameterCount(true);
    }

    /** Reports as token ids for the textual-primary pass: padded with eos, cut to the LM's positions. */
    public ReportBatch tokenize(io.medualtime.nn.tokenizer.Tokenizer tokenizer, java.util.List<String> reports) {
        return ReportBatch.tokenize(tokenizer, reports, lm.config.eosTokenId(), lm.config.nPositions());
    }

    /**
     * The cached frozen report encoder that {@link MedualTimeConfig#textEncoder()} names: the LM
     * itself (GPT2, with its tokenizer) or the DistilBERT of {@code bertFolder} (DISTILBERT).
     */
    public CachedTextEncoder textEncoder(io.medualtime.nn.tokenizer.Tokenizer gpt2Tokenizer, Path bertFolder) throws IOException {
        TextEncoder enc = switch (config.textEncoder()) {
            case GPT2 -> new FrozenGpt2TextEncoder(lm, gpt2Tokenizer, 32);
            case DISTILBERT -> {
                if (bertFolder == null) throw new IllegalArgumentException("the DISTILBERT text encoder needs a BERT model folder");
                yield BertReportEncoder.load(bertFolder);
            }
        };
        if (enc.dim() != lm.config.nEmbd())
            throw new IllegalArgumentException(
                    "text vectors of width " + enc.dim() + " cannot condition a GPT-2 of width " + lm.config.nEmbd());
        return new CachedTextEncoder(enc);
    }

    // ---- forward ----------------------------------------------------------------------------
    /**
     * Both passes, fusion and head. signals [B, leads, T] raw (the temporal pass applies RevIN,
     * TemEnc sees it raw), reports the tokenized reports, textVectors c_text [B, d] from a frozen
     * {@link TextEncoder}.
     */
    public Output forward(Tensor signals, ReportBatch reports, Tensor textVectors) {
        // both passes go through the LM together: they share each frozen weight's matrix products
        List<Tensor> zs = run(temporalPass(signals, adapter(adapterQueryTs, textVectors)),
                textualPass(reports, adapter(adapterQueryText, ecgVector(signals))));
        Tensor zTs = zs.get(0), zText = zs.get(1);
        Tensor z = zTs.add(zText).mul(0.5f);
        return new Output(zTs, zText, z, head.forward(z));
    }

    /** z_ts [B, d]: patches through GPT-2 with adaptation tokens adapter_query_ts[l] + c_text. */
    public Tensor temporalPrimary(Tensor signals, Tensor textVectors) {
        return run(temporalPass(signals, adapter(adapterQueryTs, textVectors))).get(0);
    }

    /** z_text [B, d]: the report through GPT-2 with adaptation tokens adapter_query_text[l] + c_ts. */
    public Tensor textualPrimary(ReportBatch reports, Tensor signals) {
        return run(textualPass(reports, adapter(adapterQueryText, ecgVector(signals)))).get(0);
    }

    /**
     * The four views of contrastive pre-training, through the LM together (one product per frozen
     * weight for all of them): z_ts and z_text of the signals, then of their augmented copy, with
     * c_text conditioning both temporal passes and each signal's own c_ts its textual pass.
     * Returns {z_ts, z_ts(aug), z_text, z_text(aug)}, each [B, d].
     */
    public Tensor[] contrastiveViews(Tensor signals, Tensor augmented, Tensor textVectors, ReportBatch reports) {
        return run(temporalPass(signals, adapter(adapterQueryTs, textVectors)),
                temporalPass(augmented, adapter(adapterQueryTs, textVectors)),
                textualPass(reports, adapter(adapterQueryText, ecgVector(signals))),
                textualPass(reports, adapter(adapterQueryText, ecgVector(augmented)))).toArray(new Tensor[0]);
    }

    /**
     * z_text with a given ECG vector c_ts [B, d] in place of TemEnc's (e.g. zeros: the report-only
     * ablation of the trainer, which then does not run TemEnc).
     */
    public Tensor textualPrimaryFromVector(ReportBatch reports, Tensor ecgVector) {
        return run(textualPass(reports, adapter(adapterQueryText, ecgVector))).get(0);
    }

    /**
     * The same two passes with the adaptation tokens switched off: the frozen LM alone, which
     * is what zero gates must reproduce (z_ts, z_text; no fusion).
     */
    public Tensor[] withoutAdapters(Tensor signals, ReportBatch reports) {
        return run(temporalPass(signals, null), textualPass(reports, null)).toArray(new Tensor[0]);
    }

    /** The patch embeddings [B, P, d]: ts_adapter_layer(patches(RevIN(x))) + wpe[0..P-1], dropout. */
    public Tensor patchEmbedding(Tensor signals) {
        checkSignals(signals);
        Tensor patches = SignalPatching.patchesFromEnd(SignalPatching.revin(signals, MedualTimeConfig.EPS), config.patchLen(),
                config.stride());
        int p = patches.size(1);
        if (p > lm.config.nPositions())
            throw new IllegalArgumentException(p + " patches exceed the LM's " + lm.config.nPositions() + " positions");
        // an embedding lookup rather than narrow + add: it also reads read-only mapped weights (Gpt2Loader)
        return patchDropout
                .forward(tsAdapterLayer.forward(patches).add(lm.wpe.forward(java.util.stream.IntStream.range(0, p).toArray(), p)));
    }

    /** c_ts [B, d] = adapter_ts_proj_norm(TemEnc(raw signals)) (no RevIN on this branch). */
    public Tensor ecgVector(Tensor signals) {
        checkSignals(signals);
        return adapterTsProjNorm.forward(adapterTemEnc.forward(signals));
    }

    /** A pass through the LM: its input (with the row it reads per sample) and the LayerNorm of its output. */
    private record LmPass(Pass input, LayerNorm outputNorm) {}

    /** The temporal-primary pass: patch embeddings, read at the last patch, then adapter_ln_f2 (GPT-2's ln_f is not used). */
    private LmPass temporalPass(Tensor signals, AttentionHook adapter) {
        Tensor x = patchEmbedding(signals);
        int[] lastPatch = new int[x.size(0)];
        java.util.Arrays.fill(lastPatch, x.size(1) - 1);
        return new LmPass(new Pass(x, null, adapter, lastPatch), adapterLnF2);
    }

    /** The textual-primary pass: report token embeddings, read at the last real token, then adapter_ln_f1. */
    private LmPass textualPass(ReportBatch reports, AttentionHook adapter) {
        Tensor x = lm.embed(reports.ids(), reports.batch(), reports.length(), 0);
        return new LmPass(new Pass(x, reports.mask(), adapter, lastRealTokens(reports)), adapterLnF1);
    }

    /** Runs passes through the LM together (Gpt2.blocksAt) and returns each one's output [B, d]. */
    private List<Tensor> run(LmPass... passes) {
        List<Tensor> h = lm.blocksAt(java.util.Arrays.stream(passes).map(LmPass::input).toList());
        List<Tensor> z = new java.util.ArrayList<>();
        for (int i = 0; i < passes.length; i++) z.add(passes[i].outputNorm().forward(h.get(i).reshape(h.get(i).size(0), h.get(i).size(2))));
        return z;
    }

    /** The position of each report's last real token (its length - 1). */
    static int[] lastRealTokens(ReportBatch reports) {
        int[] rows = new int[reports.batch()];
        for (int b = 0; b < rows.length; b++) rows[b] = reports.lengths()[b] - 1;
        return rows;
    }

    /**
     * The adapter of one pass ({@link AdapterAttention}): adaptation tokens {@code queries} + {@code condition}
     * in each adapter layer, with this model's gates. The adapter softmax gets the LM's attention dropout,
     * like the main softmax (the same module in the official code).
     */
    private AttentionHook adapter(Embedding queries, Tensor condition) {
        float p = isTraining() ? (float) lm.config.attnPdrop() : 0f;
        return new AdapterAttention(queries.weight, config.adapterTokens(), condition, gates, p, attentionDropoutSeeds);
    }

    private void checkSignals(Tensor signals) {
        if (signals.dim() != 3 || signals.size(1) != config.leads())
            throw new IllegalArgumentException(
                    "signals must be [B, " + config.leads() + ", T], got " + java.util.Arrays.toString(signals.shape()));
    }

    // ---- modes and devices also apply to the held LM ------------------------------------------
    @Override public MedualTime train(boolean on) {
        super.train(on);
        lm.train(on);
        return this;
    }

    @Override public MedualTime eval() { return train(false); }

    @Override public MedualTime to(Device device) {
        super.to(device);
        lm.to(device);
        return this;
    }

    /** The adapters' generators and the held LM's dropout generators ({@code lm.*}): it trains with dropout too. */
    @Override public Map<String, Rng> namedRngs() {
        Map<String, Rng> out = super.namedRngs();
        lm.namedRngs().forEach((k, v) -> out.put("lm." + k, v));
        return out;
    }
}
