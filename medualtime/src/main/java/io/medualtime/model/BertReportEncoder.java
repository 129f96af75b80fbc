package io.medualtime.model;

import io.medualtime.nn.bert.BertTextEncoder;
import io.medualtime.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The authors' report vector: a frozen (Distil)BERT, ClinicalBERT in the paper, giving the [CLS]
 * vector of its last hidden state ({@link BertTextEncoder}: WordPiece, truncation, batching, eval
 * mode). Its width must equal the LM's, since c_text is added to the adaptation tokens.
 */
public final class BertReportEncoder implements TextEncoder {
    private final BertTextEncoder bert;

    public BertReportEncoder(BertTextEncoder bert) { this.bert = bert; }

    /** A Hugging Face (Distil)BERT folder: config.json, safetensors, vocab.txt. */
    public static BertReportEncoder load(Path folder) throws IOException { return new BertReportEncoder(BertTextEncoder.load(folder)); }

    @Override public int dim() { return bert.dim(); }

    @Override public Tensor encode(List<String> reports) { return bert.encode(reports); }
}
