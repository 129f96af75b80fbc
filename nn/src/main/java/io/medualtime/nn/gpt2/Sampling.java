package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Rng;

/** How the next token is chosen from the last position's logits: greedy, or temperature + top-k sampling. */
public final class Sampling {
    private final float temperature;
    private final int topK;
    private final Rng rng;

    private Sampling(float temperature, int topK, Rng rng) {
        if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        this.temperature = temperature;
        this.topK = topK;
        this.rng = rng;
    }

    public static Sampling greedy() { return new Sampling(0, 0, null); }

    /** Samples from softmax(logits / temperature), restricted to the topK best tokens when topK > 0. */
    public static Sampling sample(float temperature, int topK, long seed) {
        return temperature == 0 ? greedy() : new Sampling(temperature, topK, new Rng(seed));
    }

    public int next(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
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
}
