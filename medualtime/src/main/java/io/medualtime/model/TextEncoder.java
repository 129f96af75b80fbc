package io.medualtime.model;

import io.medualtime.tensor.Tensor;

import java.util.List;

/**
 * A frozen encoder giving the report vector c_text of the temporal-primary pass. Frozen means no
 * weight is trained; in eval mode the vectors never change, so wrap an encoder in
 * {@link CachedTextEncoder} to encode each report once (the official code recomputes BERT's vector
 * with dropout in training: {@link BertReportEncoder#encodeWithDropout}).
 */
public interface TextEncoder {
    /** Width of the vectors. */
    int dim();

    /** One vector per report: [reports.size(), dim()], no gradient. */
    Tensor encode(List<String> reports);
}
