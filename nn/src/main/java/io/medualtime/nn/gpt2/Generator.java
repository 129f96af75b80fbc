package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

/**
 * Autoregressive decoding. With the KV cache, the prompt is run once and each new token costs
 * one position; without it, every step recomputes the whole prefix (kept for checking the cache).
 */
public final class Generator {
    private final Gpt2 lm;

    public Generator(Gpt2 lm) { this.lm = lm; }

    /** Returns the {@code count} generated tokens (the prompt excluded). */
    public int[] generate(int[] prompt, int count, Sampling sampling, boolean useCache) {
        return generate(prompt, count, sampling, useCache, token -> {});
    }

    /** As above, calling {@code onToken} as each token is produced (for streaming output). */
    public int[] generate(int[] prompt, int count, Sampling sampling, boolean useCache, java.util.function.IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        if (count < 0) throw new IllegalArgumentException("the number of new tokens must be >= 0, got " + count);
        if (prompt.length + count > lm.config.nPositions())
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens + " + count + " new ones exceeds the model's "
                    + lm.config.nPositions() + " positions");
        int[] out = new int[count];
        int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + count);
        try (GradMode g = GradMode.noGrad()) {
            KvCache cache = useCache ? new KvCache(lm.config.nLayer()) : null;
            int len = prompt.length;
            int[] input = prompt;
            for (int i = 0; i < count; i++) {
                Tensor hidden = lm.hidden(input, null, 1, input.length, cache);
                Tensor last = hidden.narrow(1, input.length - 1, 1);
                int next = sampling.next(lm.logits(last).toArray());
                out[i] = next;
                seq[len++] = next;
                onToken.accept(next);
                input = useCache ? new int[]{next} : java.util.Arrays.copyOf(seq, len);
            }
        }
        return out;
    }
}
