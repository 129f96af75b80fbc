package io.medualtime.train;

/**
 * How a fresh model is set up for training, beyond what {@code run.json} rebuilds: neither matters once the
 * trained weights are loaded and the model is in eval mode, so they live in the run's recorded arguments and
 * {@code metrics.json}, not in {@link ModelSpec}.
 *
 * @param lmDropout    the frozen LM's embedding, attention and residual dropout in training (the official
 *                     {@code --gpt_dropout}), or null for the LM's own config.json values (0.1 for GPT-2)
 * @param officialInit TemEnc initialised as the official code does (fastai's Kaiming init after ReLU, BatchNorm
 *                     bias 1e-3; {@link io.medualtime.model.TemporalEncoder#initOfficial}) instead of PyTorch's defaults
 * @param recomputeTextVectors the BERT report vectors recomputed every training step with BERT's dropout active, as
 *                     the official code ({@link Session#recomputeTextVectors}), instead of the cached eval-mode vectors
 */
public record TrainingSetup(Float lmDropout, boolean officialInit, boolean recomputeTextVectors) {
    /** The LM's own dropout, PyTorch's default initialisation, cached report vectors. */
    public static final TrainingSetup DEFAULT = new TrainingSetup(null, false, false);

    public TrainingSetup {
        if (lmDropout != null && !(lmDropout >= 0 && lmDropout < 1))
            throw new IllegalArgumentException("--gpt-dropout must be in [0, 1), got " + lmDropout);
    }

    /** What metrics.json records as {@code config.lm_dropout}. */
    public String describeLmDropout() {
        return lmDropout == null ? "the LM's config.json values" : Float.toString(lmDropout);
    }

    /** What metrics.json records as {@code config.text_vectors}. */
    public String describeTextVectors() {
        return recomputeTextVectors ? "recomputed every training step with BERT's dropout (official)" : "cached, eval mode";
    }

    /** What metrics.json records as {@code config.init}. */
    public String describeInit() {
        return officialInit ? "official (TemEnc: Kaiming uniform after ReLU, BatchNorm bias 1e-3)" : "PyTorch defaults";
    }
}
