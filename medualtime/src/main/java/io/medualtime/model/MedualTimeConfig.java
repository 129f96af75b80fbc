package io.medualtime.model;

import io.medualtime.nn.gpt2.Gpt2Config;

/**
 * MedualTime's hyper-parameters (docs/MODEL.md). The GPT-2 sizes come from the LM itself, so the
 * same config works with any GPT-2 size; only the adapter layers must fit it.
 *
 * @param adapterLayers M: the top M GPT-2 layers (n-M .. n-1) carry adaptation tokens (default 11 of 12)
 * @param adapterTokens K: adaptation tokens per adapter layer and pass (default 5)
 * @param patchLen      patch length in time steps (default 25)
 * @param stride        patch stride (default 25)
 * @param leads         ECG leads (12)
 * @param steps         time steps per signal (1000 = 10 s at 100 Hz)
 * @param classes       classifier outputs C
 * @param dropout       dropout on the patch embeddings of the temporal-primary pass; GPT-2's own
 *                      dropouts (embeddings, both attention softmaxes, residuals) come from its config
 * @param textEncoder   which frozen encoder gives the report vector of the temporal-primary pass
 * @param temEncWidth   TemEnc's first block width c: blocks of c, 2c, 2c channels (official: 64 -> 64/128/128;
 *                      smaller only to make CPU demos fast)
 */
public record MedualTimeConfig(int adapterLayers, int adapterTokens, int patchLen, int stride, int leads, int steps,
        int classes, float dropout, TextEncoderKind textEncoder, int temEncWidth) {

    /** The official TemEnc width (64 / 128 / 128 channels). */
    public static final int TEMENC_WIDTH = 64;

    /** With the official TemEnc width. */
    public MedualTimeConfig(int adapterLayers, int adapterTokens, int patchLen, int stride, int leads, int steps,
            int classes, float dropout, TextEncoderKind textEncoder) {
        this(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, dropout, textEncoder, TEMENC_WIDTH);
    }

    /** The report vector's source: the frozen GPT-2 itself (default) or a frozen DistilBERT's [CLS]. */
    public enum TextEncoderKind {
        GPT2, DISTILBERT;

        /** By name (GPT2 or DISTILBERT, any case); anything else is an IllegalArgumentException naming the value. */
        public static TextEncoderKind parse(String s) {
            for (TextEncoderKind k : values()) if (k.name().equalsIgnoreCase(s)) return k;
            throw new IllegalArgumentException("textEncoder must be GPT2 or DISTILBERT, got " + (s == null ? "null" : "'" + s + "'"));
        }
    }

    /**
     * Upper bounds of the sizes (far above any real use; they stop an absurd config before it allocates):
     * layers, tokens, leads, TemEnc width, classes, and time steps per signal.
     */
    public static final int MAX_ADAPTER_LAYERS = 256, MAX_ADAPTER_TOKENS = 1024, MAX_LEADS = 1024, MAX_TEMENC_WIDTH = 4096,
            MAX_CLASSES = 10_000, MAX_STEPS = 1_000_000;

    /** RevIN and LayerNorm epsilon (PyTorch's default, as in the official code; TemEnc's BatchNorm1d uses the same). */
    public static final float EPS = 1e-5f;

    public MedualTimeConfig {
        within("adapterLayers", adapterLayers, MAX_ADAPTER_LAYERS);
        within("adapterTokens", adapterTokens, MAX_ADAPTER_TOKENS);
        within("leads", leads, MAX_LEADS);
        within("steps", steps, MAX_STEPS);
        within("patchLen", patchLen, steps);
        within("stride", stride, steps);
        within("classes", classes, MAX_CLASSES);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (textEncoder == null) throw new IllegalArgumentException("textEncoder is null");
        within("temEncWidth", temEncWidth, MAX_TEMENC_WIDTH);
    }

    private static void within(String name, int v, int max) {
        if (v < 1 || v > max) throw new IllegalArgumentException(name + " must be in 1.." + max + ", got " + v);
    }

    /** The official defaults for PTB-XL (12 leads x 1000 steps, M = 11, K = 5, patch = stride = 25, dropout 0.1). */
    public static MedualTimeConfig defaults(int classes) {
        return new MedualTimeConfig(11, 5, 25, 25, 12, 1000, classes, 0.1f, TextEncoderKind.GPT2);
    }

    public MedualTimeConfig withAdapterLayers(int m) {
        return new MedualTimeConfig(m, adapterTokens, patchLen, stride, leads, steps, classes, dropout, textEncoder, temEncWidth);
    }
    public MedualTimeConfig withAdapterTokens(int k) {
        return new MedualTimeConfig(adapterLayers, k, patchLen, stride, leads, steps, classes, dropout, textEncoder, temEncWidth);
    }
    public MedualTimeConfig withSignal(int leadCount, int stepCount) {
        return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leadCount, stepCount, classes, dropout, textEncoder,
                temEncWidth);
    }
    public MedualTimeConfig withDropout(float p) {
        return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, p, textEncoder, temEncWidth);
    }
    public MedualTimeConfig withTextEncoder(TextEncoderKind kind) {
        return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, dropout, kind, temEncWidth);
    }

    public MedualTimeConfig withPatching(int patch, int step) {
        return new MedualTimeConfig(adapterLayers, adapterTokens, patch, step, leads, steps, classes, dropout, textEncoder, temEncWidth);
    }

    public MedualTimeConfig withTemEncWidth(int c) {
        return new MedualTimeConfig(adapterLayers, adapterTokens, patchLen, stride, leads, steps, classes, dropout, textEncoder, c);
    }

    /** P = (max(T, patch) - patch) / stride + 1 windows of a signal of {@code t} steps. */
    public int patchCount(int t) {
        return (Math.max(t, patchLen) - patchLen) / stride + 1;
    }

    public int patchCount() { return patchCount(steps); }

    /** Checks that this config fits a GPT-2 (adapter layers, positions for the patches). */
    public void checkFits(Gpt2Config lm) {
        if (adapterLayers > lm.nLayer())
            throw new IllegalArgumentException(adapterLayers + " adapter layers requested but the LM has " + lm.nLayer());
        if (patchCount() > lm.nPositions())
            throw new IllegalArgumentException(patchCount() + " patches exceed the LM's " + lm.nPositions() + " positions");
    }
}
