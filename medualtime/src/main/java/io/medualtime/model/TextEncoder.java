package io.medualtime.model;

import io.medualtime.tensor.Tensor;

import java.util.List;

/**
 * A frozen encoder giving the report vector c_text of the temporal-primary pass. Frozen means the
 * vectors never change during training: wrap an encoder in {@link CachedTextEncoder} so each
 * report is encoded once.
 */
public interface TextEncoder {
    /** Width of the vectors. */
    int dim();

    /** One vector per report: [reports.size(), dim()], no gradient. */
    Tensor encode(List<String> reports);
}
