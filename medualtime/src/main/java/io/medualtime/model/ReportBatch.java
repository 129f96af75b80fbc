package io.medualtime.model;

import io.medualtime.nn.tokenizer.Tokenizer;

import java.util.List;

/**
 * Token ids of a batch of reports, right-padded to a common length: ids and mask [batch * length]
 * (mask 1 = real token, 0 = padding), and each report's real length (>= 1).
 */
public record ReportBatch(int[] ids, int[] mask, int[] lengths, int batch, int length) {

    public ReportBatch {
        if (ids.length != batch * length || mask.length != batch * length || lengths.length != batch)
            throw new IllegalArgumentException("report batch arrays do not match " + batch + " x " + length);
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > length)
                throw new IllegalArgumentException("report " + b + " has " + lengths[b] + " real tokens (1.." + length + " allowed)");
            for (int t = 0; t < length; t++)
                if (mask[b * length + t] != (t < lengths[b] ? 1 : 0))
                    throw new IllegalArgumentException(
                            "report " + b + ": the mask must be 1 for the first " + lengths[b] + " tokens and 0 after (right padding)");
        }
    }

    /**
     * Pads token lists with {@code padId} (GPT-2: eos) to the longest one. Each report is cut to
     * {@code maxTokens} (the LM's positions; the official code does not truncate and crashes on a
     * long report, a bug we fix); an empty report becomes the single token {@code padId}, so every
     * report has a last real token.
     */
    public static ReportBatch pad(List<int[]> tokens, int padId, int maxTokens) {
        int batch = tokens.size(), length = 1;
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = Math.max(1, Math.min(tokens.get(b).length, maxTokens));
            length = Math.max(length, lengths[b]);
        }
        int[] ids = new int[batch * length], mask = new int[batch * length];
        java.util.Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) {
            int[] t = tokens.get(b);
            System.arraycopy(t, 0, ids, b * length, Math.min(t.length, lengths[b]));
            java.util.Arrays.fill(mask, b * length, b * length + lengths[b], 1);
        }
        return new ReportBatch(ids, mask, lengths, batch, length);
    }

    public static ReportBatch tokenize(Tokenizer tokenizer, List<String> reports, int padId, int maxTokens) {
        return pad(reports.stream().map(tokenizer::encode).toList(), padId, maxTokens);
    }

    /** From already padded ids and an HF-style attention mask (e.g. a fixture). */
    public static ReportBatch fromPadded(int[] ids, int[] mask, int batch, int length) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) for (int t = 0; t < length; t++) lengths[b] += mask[b * length + t];
        return new ReportBatch(ids, mask, lengths, batch, length);
    }

    /** Row index b * length + lengths[b] - 1 of each report's last real token in a [batch * length, d] view. */
    public int[] lastTokenRows() {
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) rows[b] = b * length + lengths[b] - 1;
        return rows;
    }
}
