package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ReduceOp;

import java.util.Arrays;

/** Sum, mean, max and variance over dims (keepdim or not); composite ones reuse sum. */
public final class Reductions {
    private Reductions() {}

    /** Reduces one dim of x (keeping it as size 1), no autograd. */
    static Tensor reduceDimRaw(ReduceOp op, Tensor x, int d) {
        Tensor c = x.contiguous();
        int[] s = c.shape();
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        if (op == ReduceOp.MAX && s[d] == 0) throw new IllegalArgumentException("max over an empty dim of shape " + Shapes.str(s));
        int[] os = s.clone();
        os[d] = 1;
        Tensor out = Tensor.empty(x.device(), os);
        c.backend().reduce(op, out.span(), c.span(), outer, s[d], inner);
        return out;
    }

    private static int[] normDims(int[] dims, int rank) {
        int[] ds = new int[dims.length];
        for (int i = 0; i < dims.length; i++) ds[i] = Shapes.dim(dims[i], rank);
        Arrays.sort(ds);
        for (int i = 1; i < ds.length; i++)
            if (ds[i] == ds[i - 1]) throw new IllegalArgumentException("repeated dim in " + Arrays.toString(dims));
        return ds;
    }

    private static int[] dropDims(int[] shape, int[] sortedDims) {
        int[] out = new int[shape.length - sortedDims.length];
        for (int i = 0, j = 0, k = 0; i < shape.length; i++) {
            if (k < sortedDims.length && sortedDims[k] == i) { k++; continue; }
            out[j++] = shape[i];
        }
        return out;
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        int[] ds = normDims(dims, x.dim());
        Tensor r = x;
        for (int i = ds.length - 1; i >= 0; i--) r = reduceDimRaw(ReduceOp.SUM, r, ds[i]);
        int[] kept = r.shape();
        Tensor out = keepdim ? r : Views.make(r, 0, dropDims(kept, ds), Shapes.contiguousStrides(dropDims(kept, ds)));
        int[] in = x.shape();
        return Autograd.record(out, "sum", new Tensor[]{x}, g -> new Tensor[]{Views.expand(Views.reshape(g, kept), in)});
    }

    public static Tensor sumAll(Tensor x) {
        int[] dims = new int[x.dim()];
        for (int i = 0; i < dims.length; i++) dims[i] = i;
        return sum(x, dims, false);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        int[] ds = normDims(dims, x.dim());
        long n = 1;
        for (int d : ds) n *= x.shape()[d];
        return Elementwise.mulScalar(sum(x, dims, keepdim), 1f / n);
    }

    public static Tensor meanAll(Tensor x) { return Elementwise.mulScalar(sumAll(x), 1f / x.numel()); }

    /**
     * Maximum over one dim. The gradient goes to every position equal to the maximum (PyTorch
     * picks one of tied positions; ties are measure-zero for real-valued inputs).
     */
    public static Tensor max(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.dim(dim, x.dim());
        Tensor r = reduceDimRaw(ReduceOp.MAX, x, d);
        int[] kept = r.shape();
        Tensor out = keepdim ? r : Views.make(r, 0, dropDims(kept, new int[]{d}), Shapes.contiguousStrides(dropDims(kept, new int[]{d})));
        int[] in = x.shape();
        return Autograd.record(out, "max", new Tensor[]{x}, g -> {
            Tensor mask = Elementwise.binaryRaw(BinaryOp.EQ, x, r);
            return new Tensor[]{Elementwise.mul(Views.expand(Views.reshape(g, kept), in), mask)};
        });
    }

    /** Variance over dims, biased (divide by n) or unbiased (n - 1), composed from mean and sum. */
    public static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) {
        int[] ds = normDims(dims, x.dim());
        long n = 1;
        for (int d : ds) n *= x.shape()[d];
        Tensor diff = Elementwise.sub(x, mean(x, dims, true));
        return Elementwise.mulScalar(sum(Elementwise.mul(diff, diff), dims, keepdim), 1f / (unbiased ? n - 1 : n));
    }

    /** Sums a broadcast gradient back to the shape of the input it came from. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[n++] = i;
        }
        Tensor s = n == 0 ? g : sum(g, Arrays.copyOf(dims, n), true);
        return Views.reshape(s, shape);
    }
}
