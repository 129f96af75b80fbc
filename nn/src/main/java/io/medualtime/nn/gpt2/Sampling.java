package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Rng;

/**
 * How the next token is chosen from the last position's logits: greedy, or temperature + top-k
 * sampling. Logits holding NaN or +Infinity (a model whose output overflowed) are refused with an
 * IllegalArgumentException naming the token: argmax over NaN would silently pick token 0.
 */
public final class Sampling {
    private final float temperature;
    private final int topK;
    private final Rng rng;

    private Sampling(float temperature, int topK, Rng rng) {
        if (!(temperature >= 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        this.temperature = temperature;
        this.topK = topK;
        this.rng = rng;
    }

    public static Sampling greedy() { return new Sampling(0, 0, null); }

    /** Samples from softmax(logits / temperature), restricted to the topK best tokens when topK > 0; 0 is greedy. */
    public static Sampling sample(float temperature, int topK, long seed) {
        return temperature == 0 ? greedy() : new Sampling(temperature, topK, new Rng(seed));
    }

    public int next(float[] logits) {
        int best = argmax(logits);
        if (temperature == 0) return best;
        float cutoff = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < logits.length) {
            float[] sorted = logits.clone();
            java.util.Arrays.sort(sorted);
            cutoff = sorted[sorted.length - topK];
        }
        double[] p = new double[logits.length];
        double sum = 0, max = logits[best];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < cutoff) continue;
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        double u = rng.uniform() * sum, acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (p[i] > 0 && u < acc) return i;
        }
        return best;
    }

    /** The first largest logit; -Infinity marks a token that cannot be chosen, NaN and +Infinity are errors. */
    private static int argmax(float[] logits) {
        int best = -1;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY)
                throw new IllegalArgumentException("the logit of token " + i + " is " + v
                        + ": the model's output is not finite (overflowing or corrupt weights), so no token can be chosen");
            if (v != Float.NEGATIVE_INFINITY && (best < 0 || v > logits[best])) best = i;
        }
        if (best < 0) throw new IllegalArgumentException("no token can be chosen: all " + logits.length + " logits are -Infinity");
        return best;
    }
}
