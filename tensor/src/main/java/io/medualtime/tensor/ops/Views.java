package io.medualtime.tensor.ops;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.Backends;
import io.medualtime.tensor.backend.View;

import java.util.Arrays;

/**
 * Ops that re-interpret memory without copying (reshape, permute, narrow, expand, unfold, ...)
 * and the few that must copy (contiguous, cat). Each view's backward maps the gradient back to
 * the input's shape.
 */
public final class Views {
    private Views() {}

    static Tensor make(Tensor base, int offset, int[] shape, int[] strides) {
        return new Tensor(base.storage(), offset, shape, strides);
    }

    /**
     * x dense from offset 0 of its storage (a copy unless it already is): for backend primitives
     * that take a storage without an offset.
     */
    public static Tensor denseFromStart(Tensor x) {
        return x.isContiguous() && x.offset() == 0 ? x : contiguous(x);
    }

    public static Tensor contiguous(Tensor x) {
        Tensor out = Tensor.empty(x.device(), x.shape());
        x.backend().copy(out.view(), x.view(), false);
        return Autograd.record(out, "contiguous", new Tensor[]{x}, g -> new Tensor[]{g});
    }

    public static Tensor toDevice(Tensor x, Device device) {
        Tensor c = x.contiguous();
        float[] host = c.backend().toHost(c.span(), c.numel());
        Tensor out = Tensor.fresh(Backends.get(device).fromHost(host), x.shape());
        Device from = x.device();
        return Autograd.record(out, "to(" + device + ")", new Tensor[]{x}, g -> new Tensor[]{g.to(from)});
    }

    /** A view when the layout allows it, else a copy (like torch.reshape). */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = Shapes.infer(shape, x.numel());
        int[] st = Shapes.viewStrides(x.shape(), x.strides(), s);
        return st != null ? view(x, s) : view(contiguous(x), s);
    }

    /** A view with a new shape; fails (naming both shapes) when the strides don't allow it. */
    public static Tensor view(Tensor x, int... shape) {
        int[] s = Shapes.infer(shape, x.numel());
        int[] st = Shapes.viewStrides(x.shape(), x.strides(), s);
        if (st == null)
            throw new IllegalArgumentException("view of shape " + Shapes.str(x.shape()) + " with strides "
                    + Shapes.str(x.strides()) + " as " + Shapes.str(s) + " is impossible without a copy; use reshape()");
        int[] in = x.shape();
        return Autograd.record(make(x, x.offset(), s, st), "view", new Tensor[]{x}, g -> new Tensor[]{reshape(g, in)});
    }

    public static Tensor permute(Tensor x, int... dims) {
        int n = x.dim();
        if (dims.length != n) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " of a tensor of rank " + n);
        int[] shape = x.shape(), strides = x.strides(), s = new int[n], st = new int[n], inverse = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int d = Shapes.dim(dims[i], n);
            if (seen[d]) throw new IllegalArgumentException("repeated dim in permute " + Arrays.toString(dims));
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
            inverse[d] = i;
        }
        return Autograd.record(make(x, x.offset(), s, st), "permute", new Tensor[]{x}, g -> new Tensor[]{permute(g, inverse)});
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        int n = x.dim();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        a = Shapes.dim(a, n);
        b = Shapes.dim(b, n);
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shapes.dim(dim, x.dim());
        int[] shape = x.shape();
        if (start < 0 || length < 0 || start + length > shape[d])
            throw new IndexOutOfBoundsException("narrow(dim=" + dim + ", start=" + start + ", length=" + length
                    + ") out of range for shape " + Shapes.str(shape));
        int[] s = shape.clone();
        s[d] = length;
        int off = x.offset() + start * x.strides()[d];
        // along the first dim of size > 1, the region is one range of elements of a dense gradient of x
        long[] range = null;
        boolean leading = true;
        for (int i = 0; i < d; i++) leading &= shape[i] == 1;
        if (leading) {
            long inner = 1;
            for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
            range = new long[]{start * inner, (start + (long) length) * inner};
        }
        return Autograd.recordRegion(make(x, off, s, x.strides()), "narrow", x, range,
                (g, full) -> g.backend().copy(narrowView(full, d, start, length), g.view(), true));
    }

    /** x[..., start:end:step, ...] along dim (a view; step >= 1). */
    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shapes.dim(dim, x.dim());
        int[] shape = x.shape(), strides = x.strides();
        if (step < 1 || start < 0 || end > shape[d] || start > end)
            throw new IndexOutOfBoundsException(
                    "slice(dim=" + dim + ", " + start + ":" + end + ":" + step + ") out of range for shape " + Shapes.str(shape));
        if (step == 1) return narrow(x, dim, start, end - start);
        int[] s = shape.clone(), st = strides.clone();
        s[d] = (end - start + step - 1) / step;
        st[d] = strides[d] * step;
        return Autograd.recordRegion(make(x, x.offset() + start * strides[d], s, st), "slice", x, null, (g, full) -> {
            int[] fs = full.strides();
            fs[d] *= step;
            g.backend().copy(new View(full.storage(), full.offset() + start * full.strides()[d], s, fs), g.view(), true);
        });
    }

    static View narrowView(Tensor full, int d, int start, int length) {
        int[] s = full.shape();
        s[d] = length;
        return new View(full.storage(), full.offset() + start * full.strides()[d], s, full.strides());
    }

    /** Broadcasts size-1 dims (and new leading dims) to the given shape without copying; -1 keeps a size. */
    public static Tensor expand(Tensor x, int... shape) {
        int[] target = shape.clone();
        int off = target.length - x.dim();
        if (off < 0) throw new IllegalArgumentException("cannot expand " + Shapes.str(x.shape()) + " to " + Shapes.str(shape));
        for (int i = 0; i < target.length; i++) if (target[i] == -1) {
            if (i < off) throw new IllegalArgumentException("-1 for a new leading dim in expand " + Shapes.str(shape));
            target[i] = x.shape()[i - off];
        }
        int[] st = Shapes.broadcastStrides(x.shape(), x.strides(), target);
        int[] in = x.shape();
        return Autograd.record(make(x, x.offset(), target, st), "expand", new Tensor[]{x}, g -> new Tensor[]{Reductions.sumToShape(g, in)});
    }

    public static Tensor unsqueeze(Tensor x, int dim) {
        int n = x.dim() + 1;
        int d = Shapes.dim(dim, n);
        int[] s = new int[n];
        int[] in = x.shape();
        for (int i = 0, j = 0; i < n; i++) s[i] = i == d ? 1 : in[j++];
        return reshape(x, s);
    }

    public static Tensor squeeze(Tensor x, int dim) {
        int d = Shapes.dim(dim, x.dim());
        if (x.shape()[d] != 1) throw new IllegalArgumentException("squeeze(" + dim + ") of a dim of size " + x.shape()[d]);
        int[] in = x.shape(), s = new int[in.length - 1];
        for (int i = 0, j = 0; i < in.length; i++) if (i != d) s[j++] = in[i];
        return reshape(x, s);
    }

    /**
     * Sliding windows (torch.Tensor.unfold): dim becomes (dim - size) / step + 1 and a new last dim
     * of length size is appended. A view; the backward accumulates overlapping windows.
     */
    public static Tensor unfold(Tensor x, int dim, int size, int step) {
        int d = Shapes.dim(dim, x.dim());
        int[] shape = x.shape(), strides = x.strides();
        if (size < 1 || step < 1 || size > shape[d])
            throw new IllegalArgumentException(
                    "unfold(dim=" + dim + ", size=" + size + ", step=" + step + ") of shape " + Shapes.str(shape));
        int n = shape.length;
        int[] s = Arrays.copyOf(shape, n + 1), st = Arrays.copyOf(strides, n + 1);
        s[d] = (shape[d] - size) / step + 1;
        st[d] = strides[d] * step;
        s[n] = size;
        st[n] = strides[d];
        return Autograd.recordRegion(make(x, x.offset(), s, st), "unfold", x, null, (g, full) -> {
            int[] fs = Shapes.contiguousStrides(shape);
            int[] gs = Arrays.copyOf(fs, n + 1);
            gs[d] = fs[d] * step;
            gs[n] = fs[d];
            g.backend().copy(new View(full.storage(), full.offset(), s, gs), g.view(), true);
        });
    }

    /** Concatenates along dim; shapes must agree elsewhere. */
    public static Tensor cat(int dim, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("cat of no tensors");
        int d = Shapes.dim(dim, xs[0].dim());
        int[] s = xs[0].shape();
        int total = 0;
        for (Tensor x : xs) {
            int[] xs2 = x.shape();
            boolean ok = xs2.length == s.length;
            for (int i = 0; ok && i < s.length; i++) if (i != d && xs2[i] != s[i]) ok = false;
            if (!ok)
                throw new IllegalArgumentException(
                        "cat along dim " + dim + ": shape " + Shapes.str(xs2) + " does not match " + Shapes.str(s));
            if (x.device() != xs[0].device())
                throw new IllegalArgumentException("cat of tensors on " + x.device() + " and " + xs[0].device());
            total += xs2[d];
        }
        s[d] = total;
        Tensor out = Tensor.empty(xs[0].device(), s);     // the pieces cover it
        int[] starts = new int[xs.length];
        int pos = 0;
        for (int i = 0; i < xs.length; i++) {
            starts[i] = pos;
            out.backend().copy(narrowView(out, d, pos, xs[i].shape()[d]), xs[i].view(), false);
            pos += xs[i].shape()[d];
        }
        return Autograd.record(out, "cat", xs.clone(), g -> {
            Tensor[] gs = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) if (xs[i].requiresGrad()) gs[i] = narrow(g, d, starts[i], xs[i].shape()[d]);
            return gs;
        });
    }

    public static Tensor stack(int dim, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("stack of no tensors");
        int d = Shapes.dim(dim, xs[0].dim() + 1);
        Tensor[] us = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!Arrays.equals(xs[i].shape(), xs[0].shape()))
                throw new IllegalArgumentException(
                        "stack: shape " + Shapes.str(xs[i].shape()) + " differs from " + Shapes.str(xs[0].shape()));
            us[i] = unsqueeze(xs[i], d);
        }
        return cat(d, us);
    }

    /** Splits along dim into pieces of the given sizes (views). */
    public static Tensor[] split(Tensor x, int dim, int... sizes) {
        int d = Shapes.dim(dim, x.dim());
        int sum = 0;
        for (int s : sizes) sum += s;
        if (sum != x.shape()[d])
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to " + x.shape()[d]);
        Tensor[] out = new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) { out[i] = narrow(x, d, pos, sizes[i]); pos += sizes[i]; }
        return out;
    }

    /** torch.chunk: n pieces of ceil(size / n), the last one possibly smaller. */
    public static Tensor[] chunk(Tensor x, int n, int dim) {
        int len = x.size(dim), each = (len + n - 1) / n;
        int pieces = (len + each - 1) / each;
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) sizes[i] = Math.min(each, len - i * each);
        return split(x, dim, sizes);
    }
}
