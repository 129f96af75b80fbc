package io.medualtime.model;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The tap-sum Conv1d against F.conv1d (im2col, checked against PyTorch in OpsFixtureTest):
 * output, input and weight gradients within 1e-5, for kernels 7, 5, 3 and 1.
 */
class Conv1dTest {
    @Test void matchesIm2colConvForwardAndBackward() {
        for (int k : new int[]{7, 5, 3, 1}) {
            Conv1d conv = new Conv1d(3, 4, k, new Rng(k));
            Tensor x1 = Tensor.randn(new Rng(10 + k), 2, 3, 11).requiresGrad(true);
            Tensor x2 = x1.detach().requiresGrad(true);
            Tensor w2 = conv.weight.detach().requiresGrad(true);
            Tensor y1 = conv.forward(x1), y2 = F.conv1d(x2, w2, null);
            Fixtures.assertClose("conv k=" + k, y2, y1, 1e-5);
            Tensor g = Tensor.randn(new Rng(20 + k), y1.shape());
            y1.mul(g).sum().backward();
            y2.mul(g).sum().backward();
            Fixtures.assertClose("grad x k=" + k, x2.grad(), x1.grad(), 1e-5);
            Fixtures.assertClose("grad w k=" + k, w2.grad(), conv.weight.grad(), 1e-5);
        }
    }
}
