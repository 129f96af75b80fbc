package io.medualtime.nn;

import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The Conv1d layer (F.conv1d: im2col + one GEMM, its own backward) against an independent im2col formulation written here
 * (pad -> unfold -> one matrix product): output, input and weight gradients within 1e-5, for
 * kernels 7, 5, 3 and 1. F.conv1d itself is checked against PyTorch in OpsFixtureTest.
 */
class Conv1dTest {
    static Tensor im2col(Tensor x, Tensor w) {
        int b = x.size(0), cin = x.size(1), len = x.size(2), cout = w.size(0), k = w.size(2), pad = k / 2;
        Tensor padded = pad == 0 ? x : io.medualtime.tensor.F.cat(2, x.fullLike(0f, b, cin, pad), x, x.fullLike(0f, b, cin, pad));
        Tensor cols = padded.unfold(2, k, 1).permute(0, 2, 1, 3).reshape(b * len, cin * k);
        return cols.matmul(w.reshape(cout, cin * k).transpose(0, 1)).reshape(b, len, cout).permute(0, 2, 1);
    }

    @Test void matchesIm2colConvForwardAndBackward() {
        for (int k : new int[]{7, 5, 3, 1}) {
            Conv1d conv = new Conv1d(3, 4, k, new Rng(k));
            Tensor x1 = Tensor.randn(new Rng(10 + k), 2, 3, 11).requiresGrad(true);
            Tensor x2 = x1.detach().requiresGrad(true);
            Tensor w2 = conv.weight.detach().requiresGrad(true);
            Tensor y1 = conv.forward(x1), y2 = im2col(x2, w2);
            Fixtures.assertClose("conv k=" + k, y2, y1, 1e-5);
            Tensor g = Tensor.randn(new Rng(20 + k), y1.shape());
            y1.mul(g).sum().backward();
            y2.mul(g).sum().backward();
            Fixtures.assertClose("grad x k=" + k, x2.grad(), x1.grad(), 1e-5);
            Fixtures.assertClose("grad w k=" + k, w2.grad(), conv.weight.grad(), 1e-5);
        }
    }
}
