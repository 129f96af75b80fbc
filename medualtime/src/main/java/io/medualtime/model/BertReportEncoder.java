package io.medualtime.model;

import io.medualtime.nn.bert.BertTextEncoder;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The authors' report vector: a frozen (Distil)BERT, ClinicalBERT in the paper, giving the [CLS]
 * vector of its last hidden state ({@link BertTextEncoder}: WordPiece, truncation, batching, eval
 * mode). Its width must equal the LM's, since c_text is added to the adaptation tokens.
 */
public final class BertReportEncoder implements TextEncoder {
    private final BertTextEncoder bert;

    public BertReportEncoder(BertTextEncoder bert) { this.bert = bert; }

    /** A Hugging Face (Distil)BERT folder: config.json, safetensors, vocab.txt. */
    public static BertReportEncoder load(Path folder) throws IOException {
        return new BertReportEncoder(BertTextEncoder.load(folder));
    }

    @Override public int dim() { return bert.dim(); }

    @Override public Tensor encode(List<String> reports) { return bert.encode(reports); }

    /**
     * The [CLS] vectors with BERT's dropout active, as the official training step computes them (the encoder in
     * train mode, no gradient) [MedualTime.py ts_main_forward]; the model is back in eval mode afterwards.
     */
    public Tensor encodeWithDropout(List<String> reports) {
        bert.model().train(true);
        try {
            return bert.encode(reports);
        } finally {
            bert.model().eval();
        }
    }

    /** BERT's dropout generators by name: reseeded per run and saved with a run's resume state. */
    public Map<String, Rng> dropoutRngs() {
        return bert.model().namedRngs();
    }
}
