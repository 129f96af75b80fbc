package io.medualtime.nn.gpt2;

import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.io.FiniteCheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A Hugging Face GPT-2 folder ready for inference, for embedding in an application: logits, scores and
 * generations from text, with no knowledge of {@link Gpt2#hidden}, eval mode or gradients needed.
 *
 * <pre>{@code
 * Gpt2Pipeline gpt2 = Gpt2Pipeline.load(Path.of("models/gpt2"));
 * float[] next = gpt2.lastLogits("The capital of France is");     // [vocab]
 * Gpt2Pipeline.Score s = gpt2.score("Hello world", true);          // per-token log-probabilities, perplexity
 * String text = gpt2.generate("Once upon a time", 20, Sampling.greedy());
 * }</pre>
 *
 * <p>The weights are memory-mapped read-only and the model is in eval mode (no dropout), so the same input always
 * gives the same numbers: {@code medualtime gpt2 logits / score / generate} is this class on the command line.
 * Every result is checked before it is returned: non-finite logits are an {@link IllegalArgumentException} (never
 * an answer), and a weights file rewritten since it was mapped is an {@link UncheckedIOException} (the outputs
 * would silently change). Thread-safe: calls are serialised on the instance (the CPU kernels already use every
 * core for one call).
 */
public final class Gpt2Pipeline {
    private final Gpt2 lm;
    private final Gpt2Tokenizer tokenizer;

    /** Wraps a loaded model and its tokenizer (null when only ids are used); the model is switched to eval mode. */
    public Gpt2Pipeline(Gpt2 lm, Gpt2Tokenizer tokenizer) {
        this.lm = lm;
        this.tokenizer = tokenizer;
        lm.eval();
    }

    /**
     * Loads {@code folder} (config.json, model.safetensors, vocab.json + merges.txt or the built-in GPT-2 vocabulary;
     * a tokenizer with ids the model's vocabulary lacks is refused).
     */
    public static Gpt2Pipeline load(Path folder) throws IOException {
        Gpt2 lm = Gpt2Loader.load(folder, true);
        return new Gpt2Pipeline(lm, Gpt2Tokenizer.forModelFolder(folder, lm.config.vocabSize()));
    }

    public Gpt2 model() { return lm; }

    public Gpt2Config config() { return lm.config; }

    public Gpt2Tokenizer tokenizer() { return tokenizer; }

    /** Token ids of {@code text} (no special tokens). */
    public int[] encode(String text) { return tokenizer.encode(text); }

    public String decode(int[] ids) { return tokenizer.decode(ids); }

    /** Logits [T * vocab] (row-major by position) of every position of {@code ids}, checked finite. */
    public synchronized float[] logits(int[] ids) {
        checkIds(ids);
        Tensor logits;
        try (GradMode g = GradMode.noGrad()) {
            logits = lm.logits(lm.hidden(ids, null, 1, ids.length, null));
        }
        try {
            FiniteCheck.requireFinite("the logits", logits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": the model's output overflowed float32 (are the weights sane?)", e);
        }
        float[] out = logits.toArray();
        checkMappedWeights();
        return out;
    }

    /** The last position's logits [vocab]: the model's prediction of the token after {@code ids}. */
    public float[] lastLogits(int[] ids) {
        float[] all = logits(ids);
        int v = lm.config.vocabSize();
        return Arrays.copyOfRange(all, all.length - v, all.length);
    }

    public float[] lastLogits(String text) { return lastLogits(encode(text)); }

    /**
     * The scored ids and {@code logprobs[i] = log p(ids[i + 1] | ids[0..i])} (natural log, from a double-precision
     * log-softmax); {@code meanNll} and {@code perplexity = exp(meanNll)} over the scored tokens.
     */
    public record Score(int[] ids, double[] logprobs, double meanNll, double perplexity) {}

    /** Scores {@code ids} (at least 2 tokens: the first has no prediction). */
    public Score score(int[] ids) {
        checkIds(ids);
        if (ids.length < 2) throw new IllegalArgumentException("scoring needs at least 2 tokens, got " + ids.length);
        float[] logits = logits(ids);
        int v = lm.config.vocabSize();
        double[] lp = new double[ids.length - 1];
        double nll = 0;
        for (int i = 0; i + 1 < ids.length; i++) {
            int row = i * v;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < v; j++) max = Math.max(max, logits[row + j]);
            for (int j = 0; j < v; j++) sum += Math.exp(logits[row + j] - max);
            lp[i] = logits[row + ids[i + 1]] - max - Math.log(sum);
            nll -= lp[i];
        }
        double mean = nll / lp.length;
        return new Score(ids.clone(), lp, mean, Math.exp(mean));
    }

    /** Scores {@code text}; with {@code prependEos} the first token is scored too, after {@code <|endoftext|>} (as GPT-2 evaluations do). */
    public Score score(String text, boolean prependEos) {
        return score(encode(text, prependEos));
    }

    /** Token ids of {@code text}, after {@code <|endoftext|>} when {@code prependEos}. */
    public int[] encode(String text, boolean prependEos) {
        int[] ids = encode(text);
        if (!prependEos) return ids;
        int[] w = new int[ids.length + 1];
        w[0] = tokenizer.eosId();
        System.arraycopy(ids, 0, w, 1, ids.length);
        return w;
    }

    /** Generates {@code count} tokens after {@code prompt} with the KV cache, calling {@code onToken} for each. */
    public int[] generate(int[] prompt, int count, Sampling sampling, IntConsumer onToken) {
        return generate(prompt, count, sampling, true, onToken);
    }

    /**
     * Generates {@code count} tokens after {@code prompt}, with the KV cache or recomputing the whole prefix each step
     * (slow; for checking), calling {@code onToken} for each once the weights file is known to be unchanged.
     *
     * @throws IllegalArgumentException the logits of a step are not finite
     */
    public synchronized int[] generate(int[] prompt, int count, Sampling sampling, boolean kvCache, IntConsumer onToken) {
        checkIds(prompt);
        return new Generator(lm).generate(prompt, count, sampling, kvCache, id -> {
            checkMappedWeights();
            onToken.accept(id);
        });
    }

    /** The text {@code prompt} continues into ({@code count} new tokens, the prompt not included). */
    public String generate(String prompt, int count, Sampling sampling) {
        return decode(generate(encode(prompt), count, sampling, id -> {}));
    }

    /** The memory-mapped weights file must not have been rewritten since it was loaded (the outputs would change). */
    private void checkMappedWeights() {
        try {
            lm.checkMappedWeights();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkIds(int[] ids) {
        if (ids.length == 0) throw new IllegalArgumentException("no tokens (empty prompt / text)");
        if (ids.length > lm.config.nPositions())
            throw new IllegalArgumentException(ids.length + " tokens exceed the model's " + lm.config.nPositions() + " positions");
        int vocab = lm.config.vocabSize();
        for (int i = 0; i < ids.length; i++)
            if (ids[i] < 0 || ids[i] >= vocab)
                throw new IllegalArgumentException(
                        "token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
    }

    @Override public String toString() {
        return "Gpt2Pipeline[" + lm.config.nLayer() + " layers x " + lm.config.nEmbd() + ", " + tokenizer.source() + "]";
    }
}
