package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;

import java.util.Arrays;

/**
 * Lookups by integer index (embedding, index_select, gather) and selection by a condition
 * (where, masked_fill). All index lookups reduce to the backend's row gather / scatter-add pair.
 */
public final class Indexing {
    private Indexing() {}

    /** Rows of a [V, D] table: out has shape idsShape + [D]. The backward scatter-adds into the table. */
    public static Tensor embedding(Tensor table, int[] ids, int... idsShape) {
        if (table.dim() != 2) throw new IllegalArgumentException("embedding table must be [V, D], got " + Shapes.str(table.shape()));
        int[] ishape = idsShape.length == 0 ? new int[]{ids.length} : idsShape;
        if (Shapes.numel(ishape) != ids.length)
            throw new IllegalArgumentException(ids.length + " ids do not fill shape " + Shapes.str(ishape));
        int rows = table.size(0), d = table.size(1);
        for (int i = 0; i < ids.length; i++)
            if (ids[i] < 0 || ids[i] >= rows)
                throw new IndexOutOfBoundsException(
                        "index " + ids[i] + " at position " + i + " out of range for a table of " + rows + " rows");
        int[] outShape = Arrays.copyOf(ishape, ishape.length + 1);
        outShape[ishape.length] = d;
        Tensor t = table.contiguous();
        Tensor out = Tensor.empty(table.device(), outShape);
        t.backend().gatherRows(out.storage(), t.span(), ids, d);
        return Autograd.record(out, "embedding", new Tensor[]{table}, g -> {
            Tensor gc = Views.denseFromStart(g);      // scatterAddRows reads it from offset 0
            Tensor gt = Tensor.zeros(table.device(), rows, d);
            gc.backend().scatterAddRows(gt.span(), gc.storage(), ids, d);
            return new Tensor[]{gt};
        });
    }

    /** torch.index_select: the entries idx of dim. */
    public static Tensor indexSelect(Tensor x, int dim, int[] idx) {
        int d = Shapes.dim(dim, x.dim());
        Tensor moved = Views.transpose(x, 0, d).contiguous();
        int[] ms = moved.shape();
        int rest = ms[0] == 0 ? 0 : moved.numel() / ms[0];
        Tensor picked = embedding(Views.reshape(moved, ms[0], rest), idx);
        ms[0] = idx.length;
        return Views.transpose(Views.reshape(picked, ms), 0, d);
    }

    /** torch.gather: out[..i..] = x[..index[..i..]..] along dim; index has out's shape. */
    public static Tensor gather(Tensor x, int dim, int[] index, int... indexShape) {
        int d = Shapes.dim(dim, x.dim());
        int[] xs = x.shape();
        if (indexShape.length != xs.length)
            throw new IllegalArgumentException("gather index of rank " + indexShape.length + " for a tensor of rank " + xs.length);
        if (Shapes.numel(indexShape) != index.length)
            throw new IllegalArgumentException(index.length + " indices do not fill shape " + Shapes.str(indexShape));
        for (int i = 0; i < xs.length; i++)
            if (i != d && indexShape[i] > xs[i])
                throw new IllegalArgumentException(
                        "gather index shape " + Shapes.str(indexShape) + " exceeds input " + Shapes.str(xs) + " at dim " + i);
        int[] xstr = Shapes.contiguousStrides(xs), istr = Shapes.contiguousStrides(indexShape);
        int[] flat = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            int rem = i, off = 0;
            for (int k = 0; k < indexShape.length; k++) {
                int c = rem / istr[k];
                rem -= c * istr[k];
                if (k == d) {
                    c = index[i];
                    if (c < 0 || c >= xs[d])
                        throw new IndexOutOfBoundsException("gather index " + c + " out of range for dim " + dim + " of size " + xs[d]);
                }
                off += c * xstr[k];
            }
            flat[i] = off;
        }
        Tensor picked = embedding(Views.reshape(x, x.numel(), 1), flat);
        return Views.reshape(picked, indexShape);
    }

    /** cond != 0 ? a : b, with broadcasting of all three (cond is a 0/1 float tensor). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape(), a.shape()), b.shape());
        Tensor out = Tensor.empty(a.device(), shape);
        a.backend().where(out.span(), Elementwise.broadcastView(cond, shape), Elementwise.broadcastView(a, shape),
                Elementwise.broadcastView(b, shape));
        return Autograd.record(out, "where", new Tensor[]{cond, a, b}, g -> {
            Tensor zero = g.fullLike(0f, 1);
            return new Tensor[]{null,
                    a.requiresGrad() ? Reductions.sumToShape(where(cond, g, zero), a.shape()) : null,
                    b.requiresGrad() ? Reductions.sumToShape(where(cond, zero, g), b.shape()) : null};
        });
    }

    /** x with value wherever mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        return where(mask, x.fullLike(value, 1), x);
    }
}
