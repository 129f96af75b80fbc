package io.medualtime.nn;

import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * BatchNorm1d with PyTorch's defaults, by hand on one channel: training normalises by the batch
 * statistics (biased variance, eps 1e-5), moves the running statistics by momentum 0.1 (unbiased
 * variance) and counts the batch; eval normalises by the running statistics. (TemEnc's BatchNorms
 * are checked against PyTorch in MedualTimeFixtureTest.)
 */
class BatchNorm1dTest {
    @Test void trainingUsesBatchStatisticsAndMovesTheRunningOnes() {
        BatchNorm1d bn = new BatchNorm1d(1);
        Tensor x = Tensor.of(new float[]{1, 2, 3, 6}, 2, 1, 2);                 // mean 3, biased var 3.5, unbiased 14/3
        bn.train(true);
        float[] y = bn.forward(x).toArray();
        double rstd = 1 / Math.sqrt(3.5 + 1e-5);
        assertArrayEquals(new float[]{(float) (-2 * rstd), (float) (-rstd), 0f, (float) (3 * rstd)}, y, 1e-6f);
        assertEquals(0.1f * 3, bn.runningMean.item(), 1e-6f);
        assertEquals(0.9f + 0.1f * 14 / 3f, bn.runningVar.item(), 1e-6f);
        assertEquals(1f, bn.numBatchesTracked.item(), 0f);

        bn.train(false);
        float[] e = bn.forward(x).toArray();
        double mean = 0.3, std = Math.sqrt(0.9 + 0.1 * 14 / 3.0 + 1e-5);
        assertEquals((float) ((6 - mean) / std), e[3], 1e-5f);
        assertEquals(1f, bn.numBatchesTracked.item(), 0f, "eval does not count batches");
    }
}
