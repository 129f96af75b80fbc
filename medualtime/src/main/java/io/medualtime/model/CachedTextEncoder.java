package io.medualtime.model;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Memoises a frozen {@link TextEncoder} by report text: each distinct report is encoded once, in eval
 * mode (a frozen encoder in eval mode gives the same vector every time, and a GPT-2 or BERT pass per
 * report per epoch would cost more than the rest of the step). The official training step instead
 * recomputes ClinicalBERT's vector with its dropout active, so it changes from step to step: that is
 * an option ({@link BertReportEncoder#encodeWithDropout}, used by the training session), not this cache. Many PTB-XL reports repeat verbatim, so the cache is
 * keyed by text rather than by dataset index. Not thread-safe.
 */
public final class CachedTextEncoder implements TextEncoder {
    private final TextEncoder inner;
    private final Map<String, float[]> cache = new HashMap<>();
    private long encoded;

    public CachedTextEncoder(TextEncoder inner) { this.inner = inner; }

    /** The encoder this cache wraps. */
    public TextEncoder inner() { return inner; }

    @Override public int dim() { return inner.dim(); }

    @Override public Tensor encode(List<String> reports) {
        List<String> missing = new ArrayList<>(new LinkedHashSet<>(reports));
        missing.removeIf(cache::containsKey);
        if (!missing.isEmpty()) {
            try (GradMode g = GradMode.noGrad()) {
                float[] v = inner.encode(missing).toArray();
                int d = dim();
                for (int i = 0; i < missing.size(); i++) cache.put(missing.get(i), java.util.Arrays.copyOfRange(v, i * d, (i + 1) * d));
            }
            encoded += missing.size();
        }
        int d = dim();
        float[] out = new float[reports.size() * d];
        for (int i = 0; i < reports.size(); i++) System.arraycopy(cache.get(reports.get(i)), 0, out, i * d, d);
        return Tensor.wrap(out, reports.size(), d);
    }

    /** Encodes every report not cached yet (e.g. a whole dataset before training). */
    public void precompute(List<String> reports) {
        encode(reports);
    }

    /** Distinct reports encoded by the inner encoder so far. */
    public long encodedCount() { return encoded; }

    public int size() { return cache.size(); }
}
