package io.medualtime.tensor;

import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.autograd.Node;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Backends;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.View;
import io.medualtime.tensor.ops.Elementwise;
import io.medualtime.tensor.ops.MatMul;
import io.medualtime.tensor.ops.Reductions;
import io.medualtime.tensor.ops.Softmax;
import io.medualtime.tensor.ops.Views;

import java.util.Arrays;

/**
 * A float32 n-dimensional array: a view (offset, shape, strides) over a {@link Storage} that lives
 * on a device, plus the autograd state (whether it requires a gradient, the node that produced it,
 * its accumulated gradient).
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(new Rng(0), 3, 4).requiresGrad(true);
 * Tensor x = Tensor.of(new float[]{1, 2, 3}, 1, 3);
 * Tensor loss = x.matmul(w).tanh().sum();
 * loss.backward();            // w.grad() now holds d loss / d w
 * }</pre>
 *
 * <p>Ownership: views share their base's storage; ops never modify their inputs (the only
 * in-place updates are optimiser steps and gradient accumulation, done under no-grad).
 * {@link #contiguous()} copies only when the layout is not already dense row-major.
 */
public final class Tensor {
    private Storage storage;
    private int offset;
    private int[] shape;
    private int[] strides;
    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;

    public Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---- creation --------------------------------------------------------------------------
    /** A dense tensor whose values are undefined (PyTorch's empty): for outputs that are overwritten entirely. */
    public static Tensor empty(Device device, int... shape) {
        return fresh(Backends.get(device).allocateUninitialized(Shapes.numel(shape)), shape);
    }
    public static Tensor zeros(int... shape) { return zeros(Device.CPU, shape); }
    public static Tensor zeros(Device device, int... shape) {
        return fresh(Backends.get(device).allocate(Shapes.numel(shape)), shape);
    }
    public static Tensor ones(int... shape) { return full(1f, shape); }
    public static Tensor full(float value, int... shape) { return full(Device.CPU, value, shape); }
    /** Filled where it lives (on CUDA a fill kernel, no upload). */
    public static Tensor full(Device device, float value, int... shape) {
        Tensor t = empty(device, shape);
        t.backend().fill(Span.of(t.storage), t.numel(), value);
        return t;
    }
    /** A dense tensor over newly allocated storage: the innermost open {@link TensorScope} owns it. */
    public static Tensor fresh(Storage storage, int... shape) {
        if (storage.size() != Shapes.numel(shape))
            throw new IllegalArgumentException(storage.size() + " values cannot fill shape " + Shapes.str(shape));
        return new Tensor(TensorScope.track(storage), 0, shape.clone(), Shapes.contiguousStrides(shape));
    }
    public static Tensor scalar(float value) { return of(new float[]{value}); }
    /** Wraps a copy of data with the given shape (a 1-D shape when none is given). */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[]{data.length} : shape.clone();
        if (Shapes.numel(s) != data.length)
            throw new IllegalArgumentException(data.length + " values cannot fill shape " + Shapes.str(s));
        return fresh(Backends.get(Device.CPU).fromHost(data.clone()), s);
    }
    /** Wraps data WITHOUT copying (the caller hands over the array). */
    public static Tensor wrap(float[] data, int... shape) {
        if (Shapes.numel(shape) != data.length)
            throw new IllegalArgumentException(data.length + " values cannot fill shape " + Shapes.str(shape));
        return fresh(Backends.get(Device.CPU).fromHost(data), shape);
    }
    /**
     * A dense tensor over read-only memory-mapped storage (no copy): for frozen weights only, see
     * {@link io.medualtime.tensor.cpu.MappedStorage}.
     */
    public static Tensor mapped(io.medualtime.tensor.cpu.MappedStorage data, int... shape) {
        if (Shapes.numel(shape) != data.size())
            throw new IllegalArgumentException(data.size() + " mapped values cannot fill shape " + Shapes.str(shape));
        return new Tensor(data, 0, shape.clone(), Shapes.contiguousStrides(shape));
    }
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.normal();
        return of(d, shape);
    }
    /** Uniform in [lo, hi). */
    public static Tensor rand(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.uniform();
        return of(d, shape);
    }
    /** A tensor like this one (same device) filled with a value. */
    public Tensor fullLike(float value, int... shape) {
        Tensor t = empty(device(), shape);
        t.backend().fill(Span.of(t.storage), t.numel(), value);
        return t;
    }

    // ---- layout ----------------------------------------------------------------------------
    public int[] shape() { return shape.clone(); }
    public int size(int dim) { return shape[Shapes.dim(dim, shape.length)]; }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public int dim() { return shape.length; }
    public int numel() { return Shapes.numel(shape); }
    public Storage storage() { return storage; }
    public Device device() { return storage.device(); }
    public Backend backend() { return storage.backend(); }
    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }
    public View view() { return new View(storage, offset, shape, strides); }
    /** The storage from this tensor's offset: how a backend primitive reads a dense tensor. */
    public Span span() {
        return new Span(storage, offset);
    }

    /** This tensor if dense row-major, else a dense copy (with autograd). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.contiguous(this);
    }

    /** Copies to a device (differentiable; a no-op when already there). */
    public Tensor to(Device device) {
        return device == device() ? this : Views.toDevice(this, device);
    }

    /** The values in row-major order, copied to the host. */
    public float[] toArray() {
        Tensor c = contiguous();
        return c.backend().toHost(c.span(), c.numel());
    }
    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() of a tensor with shape " + Shapes.str(shape));
        return backend().toHost(span(), 1)[0];
    }
    public float get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("index of rank " + index.length + " for a tensor of shape " + Shapes.str(shape));
        int off = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for shape " + Shapes.str(shape));
            off += index[i] * strides[i];
        }
        return backend().toHost(new Span(storage, off), 1)[0];
    }

    // ---- autograd --------------------------------------------------------------------------
    public boolean requiresGrad() { return requiresGrad || gradFn != null; }
    /** Marks a leaf as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) throw new IllegalStateException("requiresGrad can only be set on leaf tensors (op " + gradFn.name() + ")");
        requiresGrad = value;
        return this;
    }
    public Node gradFn() { return gradFn; }
    public void setGradFn(Node node) { gradFn = node; }
    public Tensor grad() { return grad; }
    public void zeroGrad() { grad = null; }
    /** The same data, cut from the graph. */
    public Tensor detach() { return new Tensor(storage, offset, shape, strides); }
    /** d this / d leaves for a one-element tensor; gradients accumulate into the leaves. */
    public void backward() {
        Autograd.backward(this, null, false);
    }
    public void backward(Tensor seed) { Autograd.backward(this, seed, false); }
    public void backward(Tensor seed, boolean retainGraph) { Autograd.backward(this, seed, retainGraph); }

    /**
     * Adds g into this leaf's gradient. The first gradient is adopted without a copy and later ones
     * are added out of place: backward may hand one tensor to several inputs, so a gradient tensor
     * is never modified once stored (replace it with {@link #setGrad} instead).
     */
    public void accumulateGrad(Tensor g) {
        try (GradMode m = GradMode.noGrad()) {
            grad = TensorScope.persist(grad == null ? g.detach() : io.medualtime.tensor.ops.Elementwise.add(grad, g).detach());
        }
    }

    /** Replaces the gradient (e.g. after clipping); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape))
            throw new IllegalArgumentException("gradient of shape " + Shapes.str(g.shape) + " for a tensor of shape " + Shapes.str(shape));
        grad = TensorScope.persist(g);
    }

    /**
     * Points this leaf at another tensor's data (same shape): how modules move parameters between
     * devices or load weights without breaking the references that layers hold.
     */
    public void setData(Tensor src) {
        if (gradFn != null) throw new IllegalStateException("setData on a non-leaf tensor (op " + gradFn.name() + ")");
        if (!Arrays.equals(src.shape, shape))
            throw new IllegalArgumentException(
                    "setData with shape " + Shapes.str(src.shape) + " for a tensor of shape " + Shapes.str(shape));
        storage = TensorScope.persist(src).storage;
        offset = src.offset;
        strides = src.strides;
        grad = null;
    }

    // ---- ops (each documented where it is implemented) --------------------------------------
    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor pow(Tensor o) { return Elementwise.pow(this, o); }
    public Tensor add(float s) { return Elementwise.addScalar(this, s); }
    public Tensor mul(float s) { return Elementwise.mulScalar(this, s); }
    public Tensor div(float s) { return Elementwise.mulScalar(this, 1f / s); }
    public Tensor pow(float p) { return Elementwise.powScalar(this, p); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor relu() { return Elementwise.relu(this); }
    public Tensor gelu() { return Elementwise.gelu(this); }
    public Tensor clampMin(float min) { return Elementwise.clampMin(this, min); }
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }
    public Tensor sum() { return Reductions.sumAll(this); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[]{dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }
    public Tensor mean() { return Reductions.meanAll(this); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[]{dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }
    public Tensor max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim); }
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) { return Reductions.var(this, dims, unbiased, keepdim); }
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return Softmax.logSoftmax(this, dim); }
    public Tensor reshape(int... s) { return Views.reshape(this, s); }
    public Tensor view(int... s) { return Views.view(this, s); }
    public Tensor permute(int... dims) { return Views.permute(this, dims); }
    public Tensor transpose(int a, int b) { return Views.transpose(this, a, b); }
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }
    public Tensor expand(int... s) { return Views.expand(this, s); }
    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }
    public Tensor unfold(int dim, int size, int step) { return Views.unfold(this, dim, size, step); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shapes.str(shape)).append(", device=").append(device());
        if (gradFn != null) sb.append(", grad_fn=").append(gradFn.name());
        else if (requiresGrad) sb.append(", requires_grad");
        if (numel() <= 16) sb.append(", data=").append(Arrays.toString(toArray()));
        return sb.append(')').toString();
    }
}
