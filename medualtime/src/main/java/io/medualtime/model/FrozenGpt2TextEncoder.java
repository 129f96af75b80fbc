package io.medualtime.model;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.tokenizer.Tokenizer;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.List;

/**
 * The default report vector (docs/MODEL.md, when no BERT weights are given): the frozen GPT-2
 * itself, without adapters, in eval mode (no dropout); the hidden state after ln_f at each report's
 * last real token. Reports are right-padded with eos and the padded keys masked (-1e4), as in the
 * textual-primary pass.
 */
public final class FrozenGpt2TextEncoder implements TextEncoder {
    private final Gpt2 lm;
    private final Tokenizer tokenizer;
    private final int batchSize;

    public FrozenGpt2TextEncoder(Gpt2 lm, Tokenizer tokenizer, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.lm = lm;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
    }

    @Override public int dim() { return lm.config.nEmbd(); }

    @Override public Tensor encode(List<String> reports) {
        List<Tensor> parts = new ArrayList<>();
        for (int s = 0; s < reports.size(); s += batchSize) {
            List<String> chunk = reports.subList(s, Math.min(reports.size(), s + batchSize));
            parts.add(encodeIds(ReportBatch.tokenize(tokenizer, chunk, lm.config.eosTokenId(), lm.config.nPositions())));
        }
        return parts.size() == 1 ? parts.get(0) : F.cat(0, parts.toArray(new Tensor[0]));
    }

    /** The vectors [batch, d] of already tokenized reports. */
    public Tensor encodeIds(ReportBatch reports) {
        boolean wasTraining = lm.isTraining();
        lm.eval();
        try (GradMode g = GradMode.noGrad()) {
            Tensor x = lm.embed(reports.ids(), reports.batch(), reports.length(), 0);
            Tensor h = lm.blocksAt(x, reports.mask(), null, MedualTime.lastRealTokens(reports));   // [B, 1, d]
            return lm.lnF.forward(h).reshape(reports.batch(), dim()).contiguous();
        } finally {
            lm.train(wasTraining);
        }
    }
}
