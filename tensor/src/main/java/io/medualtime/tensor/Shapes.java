package io.medualtime.tensor;

import java.util.Arrays;

/** Small helpers for shapes and strides (row-major, element units). */
public final class Shapes {
    private Shapes() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of shape " + str(shape) + " has more than 2^31-1 elements");
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.max(shape[i], 1); }
        return s;
    }

    /** Normalises a possibly negative dim against a rank, with a clear error. */
    public static int dim(int d, int rank) {
        int r = d < 0 ? d + rank : d;
        if (r < 0 || r >= rank) throw new IndexOutOfBoundsException("dim " + d + " out of range for a tensor of rank " + rank);
        return r;
    }

    /** NumPy broadcasting of two shapes; names both shapes when they do not broadcast. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides for viewing a tensor of {@code shape}/{@code strides} as {@code target} (stride 0 on broadcast dims). */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int off = target.length - shape.length;
        if (off < 0) throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(target));
        for (int i = 0; i < target.length; i++) {
            if (i < off) { out[i] = 0; continue; }
            int d = shape[i - off];
            if (d == target[i]) out[i] = strides[i - off];
            else if (d == 1) out[i] = 0;
            else throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(target));
        }
        return out;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }

    public static boolean isContiguous(int[] shape, int[] strides) {
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != acc) return false;
            acc *= shape[i];
        }
        return true;
    }

    /**
     * Strides of {@code newShape} viewing the same memory as (shape, strides) without copying, or
     * null when that is impossible (PyTorch's "view" rule).
     */
    public static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        if (isContiguous(shape, strides)) return contiguousStrides(newShape);
        // PyTorch's computeStride: old dims are grouped into chunks that are contiguous among
        // themselves; each chunk must be covered exactly by a run of new dims.
        int[] out = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = strides[strides.length - 1], tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        return viewD == -1 ? out : null;
    }

    /** Infers one -1 in a requested shape. */
    public static int[] infer(int[] requested, int numel) {
        int[] s = requested.clone();
        int unknown = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("only one -1 allowed in shape " + str(requested));
                unknown = i;
            } else known *= s[i];
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + str(requested));
            s[unknown] = numel / known;
        }
        if (numel(s) != numel) throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + str(requested));
        return s;
    }
}
