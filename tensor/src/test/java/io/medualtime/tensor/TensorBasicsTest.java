package io.medualtime.tensor;

import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.cpu.Parallel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Layout, autograd semantics, determinism and error messages. */
class TensorBasicsTest {

    /** F.linear (bias rows + GEMM accumulating onto them) equals matmul + add: batched, 1-D and transposed-weight inputs. */
    @Test void linearEqualsMatmulPlusBias() {
        Tensor w = Tensor.randn(new Rng(11), 6, 5), b = Tensor.randn(new Rng(12), 5);
        for (Tensor x : new Tensor[]{Tensor.randn(new Rng(13), 2, 3, 6), Tensor.randn(new Rng(14), 6),
                Tensor.randn(new Rng(15), 6, 4).transpose(0, 1)}) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(x.matmul(w).add(b).toArray(), F.linear(x, w, b).toArray(), 1e-6f);
            Tensor wt = w.transpose(0, 1).contiguous().transpose(0, 1);      // the same matrix as a transposed view
            org.junit.jupiter.api.Assertions.assertArrayEquals(x.matmul(w).add(b).toArray(), F.linear(x, wt, b).toArray(), 1e-6f);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> F.linear(Tensor.zeros(2, 4), w, b));
    }

    @Test void viewsShareStorageAndContiguousCopiesOnlyWhenNeeded() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        assertSame(x, x.contiguous());
        Tensor t = x.transpose(0, 1);
        assertSame(x.storage(), t.storage());
        assertFalse(t.isContiguous());
        assertEquals(6f, t.get(2, 1));
        Tensor c = t.contiguous();
        assertNotSame(x.storage(), c.storage());
        assertArrayEquals(new float[]{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, c.toArray());
        // a narrow of the rows stays a view; reshape of a transposed tensor copies
        assertSame(x.storage(), x.narrow(0, 1, 2).reshape(8).storage());
        assertNotSame(x.storage(), t.reshape(12).storage());
        assertArrayEquals(new float[]{4, 5, 6, 7}, x.narrow(0, 1, 1).toArray());
        assertArrayEquals(new float[]{0, 1, 2, 3, 0, 1, 2, 3}, Tensor.arange(4).expand(2, 4).toArray());
    }

    @Test void unfoldMakesOverlappingWindows() {
        Tensor w = Tensor.arange(6).unfold(0, 3, 1);
        assertArrayEquals(new int[]{4, 3}, w.shape());
        assertArrayEquals(new float[]{0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5}, w.toArray());
    }

    @Test void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor w = Tensor.of(new float[]{1, 2, 3}).requiresGrad(true);
        w.mul(w).sum().backward();
        w.mul(w).sum().backward();
        assertArrayEquals(new float[]{4, 8, 12}, w.grad().toArray());
        w.zeroGrad();
        w.sum().backward();
        assertArrayEquals(new float[]{1, 1, 1}, w.grad().toArray());
    }

    @Test void sharedSubexpressionGetsSummedGradient() {
        Tensor x = Tensor.of(new float[]{2}).requiresGrad(true);
        Tensor y = x.mul(x);             // used twice below
        y.add(y.mul(3f)).sum().backward();  // d/dx 4x^2 = 8x
        assertEquals(16f, x.grad().item(), 0f);
    }

    @Test void noGradRecordsNothingAndDetachCuts() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        try (GradMode g = GradMode.noGrad()) {
            assertFalse(w.mul(2f).requiresGrad());
        }
        assertTrue(w.mul(2f).requiresGrad());
        assertFalse(w.mul(2f).detach().requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.mul(2f).detach().sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test void frozenInputsGetNoGradient() {
        Tensor frozen = Tensor.ones(3, 3);
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        x.matmul(frozen).sum().backward();
        assertNull(frozen.grad());
        assertArrayEquals(new float[]{3, 3, 3, 3, 3, 3}, x.grad().toArray());
    }

    @Test void backwardErrorsAreClear() {
        Tensor w = Tensor.ones(2, 2).requiresGrad(true);
        Tensor y = w.mul(3f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("non-scalar") && e.getMessage().contains("[2, 2]"), e.getMessage());
        y.backward(Tensor.ones(2, 2));
        assertArrayEquals(new float[]{3, 3, 3, 3}, w.grad().toArray());
        Tensor z = w.mul(w).sum();
        z.backward();
        IllegalStateException again = assertThrows(IllegalStateException.class, z::backward);
        assertTrue(again.getMessage().contains("already freed"), again.getMessage());
    }

    @Test void shapeErrorsNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).add(Tensor.ones(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).matmul(Tensor.ones(4, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).sum(2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> F.embedding(Tensor.ones(3, 2), new int[]{3}));
        assertThrows(IndexOutOfBoundsException.class, () -> F.crossEntropy(Tensor.ones(1, 3), new int[]{5}));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(6).view(4, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(6).reshape(2, 3).transpose(0, 1).view(6));
    }

    @Test void seededGeneratorsRepeatExactly() {
        float[] a = Tensor.randn(new Rng(7), 5).toArray(), b = Tensor.randn(new Rng(7), 5).toArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, Tensor.randn(new Rng(8), 5).toArray()));
        // pinned values: SplittableRandom's algorithm is fixed by the JDK specification
        assertEquals(new java.util.SplittableRandom(7).nextLong(), new Rng(7).nextLong());
    }

    @Test void dropoutKeepsTheRightFractionAndScales() {
        Tensor x = Tensor.ones(100_000);
        float[] y = F.dropout(x, 0.25f, 3).toArray();
        int kept = 0;
        for (float v : y) { if (v != 0) { kept++; assertEquals(1f / 0.75f, v, 1e-6f); } }
        assertEquals(0.75, kept / 100_000.0, 0.01);
        assertArrayEquals(y, F.dropout(x, 0.25f, 3).toArray(), "same seed, same mask");
        assertFalse(java.util.Arrays.equals(y, F.dropout(x, 0.25f, 4).toArray()));
    }

    @Test void resultsAreIdenticalForAGivenThreadCount() {
        Tensor a = Tensor.randn(new Rng(1), 64, 300), b = Tensor.randn(new Rng(2), 300, 50);
        float[] first = a.matmul(b).softmax(-1).sum(0, false).toArray();
        float[] second = a.matmul(b).softmax(-1).sum(0, false).toArray();
        assertArrayEquals(first, second);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] single = a.matmul(b).softmax(-1).sum(0, false).toArray();
            Fixtures.assertClose("1 thread vs default", first, single, 1e-5);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /** Long rows take the vector paths of the fused kernels; check them against double-precision loops. */
    @Test void fusedRowKernelsMatchDoublePrecisionOnLongRows() {
        int rows = 3, cols = 1000 + 13;
        Tensor x = Tensor.randn(new Rng(5), rows, cols).mul(3f);
        float[] xv = x.toArray(), sm = x.softmax(-1).toArray(), lsm = x.logSoftmax(-1).toArray();
        int[] target = {7, 1000, 1012};
        float ce = F.crossEntropy(x, target).item();
        double ceRef = 0;
        float[] smRef = new float[xv.length], lsmRef = new float[xv.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < cols; c++) max = Math.max(max, xv[r * cols + c]);
            for (int c = 0; c < cols; c++) sum += Math.exp(xv[r * cols + c] - max);
            double lse = max + Math.log(sum);
            for (int c = 0; c < cols; c++) {
                lsmRef[r * cols + c] = (float) (xv[r * cols + c] - lse);
                smRef[r * cols + c] = (float) Math.exp(xv[r * cols + c] - lse);
            }
            ceRef += (lse - xv[r * cols + target[r]]) / rows;
        }
        Fixtures.assertClose("softmax", smRef, sm, 1e-6);
        Fixtures.assertClose("log_softmax", lsmRef, lsm, 1e-6);
        assertEquals(ceRef, ce, 1e-5 * Math.abs(ceRef));
    }
}
