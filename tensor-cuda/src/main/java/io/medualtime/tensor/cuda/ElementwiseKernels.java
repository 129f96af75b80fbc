package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.UnaryOp;

/**
 * Launchers of kernels/elementwise.ptx: unary and binary ops (their op codes are the enums' {@code code}),
 * where, and the strided gathers / scatters that make views dense. Operands are device addresses of
 * float32 data, outputs first; strides and offsets count elements.
 */
final class ElementwiseKernels {
    private static final String PTX = "elementwise";

    private ElementwiseKernels() {}

    /** out[i] = op(in[i], s) for i &lt; n; op has a unary_f32 code (not GELU: see {@link GeluKernels}). */
    static void unary(UnaryOp op, long out, long in, int n, float s) {
        Launch.gridStride(PTX, "unary_f32", n, code(op), out, in, n, s);
    }

    /** gin[i] = g[i] * op'(x[i]; s) for op TANH, SIGMOID, RELU, ABS or CLAMP_MIN. */
    static void unaryBackward(UnaryOp op, long gin, long x, long g, int n, float s) {
        Launch.gridStride(PTX, "unary_bwd_f32", n, code(op), gin, x, g, n, s);
    }

    private static int code(UnaryOp op) {
        if (op.code < 0) throw new UnsupportedOperationException("no unary_f32 code for " + op + " (it has kernels of its own)");
        return op.code;
    }

    /** out[i] = op(a[i], b[i]) for same-shape contiguous operands. */
    static void binary(BinaryOp op, long out, long a, long b, int n) {
        Launch.gridStride(PTX, "binary_f32", n, op.code, out, a, b, n);
    }

    /**
     * Broadcasting binary op: out (contiguous, shape) = op(a[strided], b[strided]); a and b are the
     * addresses of the views' first elements, strides 0 for broadcast dims.
     */
    static void binaryStrided(BinaryOp op, long out, long a, int[] aStrides, long b, int[] bStrides, int[] shape) {
        checkDims(shape, aStrides, bStrides);
        int n = numel(shape), nd = shape.length;
        if (n == 0) return;
        DeviceBuffer m = layoutTable(shape, aStrides, bStrides);
        Launch.gridStride(PTX, "binary_strided", n, op.code, out, a, b, n, nd, m.at(0), m.at(nd), m.at(2L * nd));
    }

    /** out[i] = cond[i] != 0 ? a[i] : b[i] (contiguous; a NaN condition counts as true). */
    static void where(long out, long cond, long a, long b, int n) {
        Launch.gridStride(PTX, "where_f32", n, out, cond, a, b, n);
    }

    /** out (contiguous, shape) = in[inOffset + sum idx_k * inStrides_k], {@code in} the buffer's start. */
    static void copyStrided(long out, long in, long inOffset, int[] inStrides, int[] shape) {
        stridedCopy("copy_strided", out, in, inOffset, inStrides, shape);
    }

    /**
     * out[outOffset + sum idx_k * outStrides_k] = (or, with {@code accumulate}, +=) in (contiguous,
     * shape), {@code out} the buffer's start. Accumulation uses atomic adds, so destinations may
     * overlap (the order of the additions is then unspecified).
     */
    static void copyToStrided(long out, long outOffset, int[] outStrides, long in, int[] shape, boolean accumulate) {
        stridedCopy(accumulate ? "copy_to_strided_add" : "copy_to_strided", out, in, outOffset, outStrides, shape);
    }

    private static void stridedCopy(String kernel, long out, long in, long off, int[] strides, int[] shape) {
        checkDims(shape, strides);
        int n = numel(shape), nd = shape.length;
        if (n == 0) return;
        DeviceBuffer m = layoutTable(shape, strides);
        Launch.gridStride(PTX, kernel, n, out, in, n, nd, m.at(0), m.at(nd), off);
    }

    /** The device table the strided kernels read: the shape, then each view's strides (ndim int32 each). */
    private static DeviceBuffer layoutTable(int[] shape, int[]... strides) {
        int nd = shape.length;
        int[] table = new int[(1 + strides.length) * nd];
        System.arraycopy(shape, 0, table, 0, nd);
        for (int i = 0; i < strides.length; i++) System.arraycopy(strides[i], 0, table, (i + 1) * nd, nd);
        return DeviceInts.of(table);
    }

    private static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements for one strided kernel: " + n);
        return (int) n;
    }

    private static void checkDims(int[] shape, int[]... strides) {
        if (shape.length < 1 || shape.length > 8) throw new IllegalArgumentException("ndim must be 1..8, got " + shape.length);
        for (int[] s : strides)
            if (s.length != shape.length) throw new IllegalArgumentException("stride rank " + s.length + " != " + shape.length);
    }
}
