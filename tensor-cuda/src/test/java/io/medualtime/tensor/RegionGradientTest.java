package io.medualtime.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradients of several region views (narrow, slice, unfold) of one tensor: backward adds each view's
 * gradient straight into the pending gradient of the whole when it may (PendingGradients.scatterIntoPending),
 * and must give what separate zero-padded gradients summed give, for disjoint and overlapping regions,
 * and when the whole also has a gradient of its own (a pending buffer it must not write into).
 */
class RegionGradientTest {

    /** d/dx of sum_i <view_i(y), w_i> + sum(y * direct) with y = x * 2 (a non-leaf, so views merge in backward). */
    private static float[] gradient(boolean withDirectUse, boolean overlapping) {
        Tensor x = Tensor.arange(36).reshape(4, 9).requiresGrad(true);
        Tensor y = x.mul(2f);
        Tensor q = y.narrow(1, 0, 3), k = y.narrow(1, overlapping ? 2 : 3, 3), v = F.slice(y, 1, 6, 9, 2);
        Tensor loss = q.mul(Tensor.full(1f, 4, 3)).sum()
                .add(k.mul(Tensor.full(10f, 4, 3)).sum())
                .add(v.mul(Tensor.full(100f, 4, 2)).sum())
                .add(y.unfold(0, 2, 2).mul(Tensor.full(1000f, 2, 9, 2)).sum());
        if (withDirectUse) loss = loss.add(y.mul(Tensor.full(0.5f, 4, 9)).sum());
        loss.backward();
        return x.grad().toArray();
    }

    /** The same by hand: per column j of y, the weights of the views covering it, times dy/dx = 2. */
    private static float[] expected(boolean withDirectUse, boolean overlapping) {
        float[] g = new float[36];
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < 9; j++) {
                float w = 1000f + (withDirectUse ? 0.5f : 0f);
                if (j < 3) w += 1f;
                if (j >= (overlapping ? 2 : 3) && j < (overlapping ? 5 : 6)) w += 10f;
                if (j == 6 || j == 8) w += 100f;
                g[r * 9 + j] = 2f * w;
            }
        return g;
    }

    @Test void disjointViewsOfANonLeaf() { assertArrayEquals(expected(false, false), gradient(false, false)); }
    @Test void overlappingViews() { assertArrayEquals(expected(false, true), gradient(false, true)); }
    @Test void viewsAndADirectUse() { assertArrayEquals(expected(true, true), gradient(true, true)); }

    /**
     * Row ranges (narrows along the first dim of size > 1) are copied into one uninitialised buffer
     * (PendingGradients.writeRange) and only the rows no range covers are zero-filled: on memory recycled as
     * NaN, the gradient must still be exact - when the ranges split the whole, leave a gap, overlap, or
     * meet a direct use of the whole; also behind a leading dim of size 1, and for a leaf (a parameter
     * used by rows, its gradient added to the one it had).
     */
    @Test void rowRangesOnRecycledMemory() {
        for (Device device : io.medualtime.tensor.cuda.CudaRuntime.isAvailable()
                ? new Device[]{Device.CPU, Device.CUDA}
                : new Device[]{Device.CPU}) {
            Poison.on(device);
            try {
                int[][][] cases = {{{0, 2}, {2, 3}, {5, 1}}, {{0, 2}, {4, 2}}, {{0, 3}, {2, 3}}, {{1, 4}}};
                for (int[][] ranges : cases) for (int mode = 0; mode < 4; mode++) {
                    boolean direct = mode == 1, leadingOne = mode == 2, leaf = mode == 3;
                    Tensor x = Tensor.arange(30).reshape(6, 5).to(device).requiresGrad(true);
                    if (leaf) x.setGrad(Tensor.full(7f, 6, 5).to(device));        // ranges of a parameter, onto an older gradient
                    Tensor y = leaf ? x : x.mul(2f);
                    if (leadingOne) y = y.reshape(1, 6, 5);
                    int d = leadingOne ? 1 : 0;
                    Tensor loss = direct ? y.mul(0.5f).sum() : null;
                    float[] want = new float[30];
                    float dy = leaf ? 1f : 2f;
                    for (int i = 0; i < 30; i++) want[i] = (direct ? 1f : 0f) + (leaf ? 7f : 0f);          // 2 * 0.5
                    for (int r = 0; r < ranges.length; r++) {
                        float w = (float) Math.pow(10, r);
                        Tensor part = y.narrow(d, ranges[r][0], ranges[r][1]).mul(w).sum();
                        loss = loss == null ? part : loss.add(part);
                        for (int row = ranges[r][0]; row < ranges[r][0] + ranges[r][1]; row++)
                            for (int c = 0; c < 5; c++) want[row * 5 + c] += dy * w;
                    }
                    loss.backward();
                    assertArrayEquals(want, x.grad().toArray(), device + " ranges " + java.util.Arrays.deepToString(ranges)
                            + (direct ? " + direct use" : "") + (leadingOne ? " behind a leading 1" : "") + (leaf ? " of a leaf" : ""));
                }
            } finally {
                Poison.off(device);
            }
        }
    }

    @Test void leafViewsAccumulateIntoTheLeafGradient() {
        Tensor x = Tensor.arange(12).reshape(3, 4).requiresGrad(true);
        x.narrow(1, 0, 2).sum().add(x.narrow(1, 1, 3).mul(3f).sum()).backward();
        assertArrayEquals(new float[]{1, 4, 3, 3, 1, 4, 3, 3, 1, 4, 3, 3}, x.grad().toArray());
    }
}
