package io.medualtime.tensor.autograd;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients one backward pass has produced but not yet consumed, and the memory policy for them.
 * Every storage allocated while this is open belongs to it. A node's temporaries die when its backward
 * returns; a gradient dies once the nodes it was pending for have used it (a reference count per storage,
 * since views and pass-throughs share one). Dead storages go straight back to the allocator, so later
 * nodes reuse them. Gradients adopted by leaves are persisted and never touched; whatever is left at
 * {@link #close} moves to the enclosing scope. Two shortcuts avoid zero-padded gradients of views: a
 * region's gradient written or added straight into its input's pending gradient ({@link #absorbRegion}).
 */
final class PendingGradients implements AutoCloseable {
    /** Tensor (identity) to the sum of the gradients that reached it so far. */
    private final Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    /** Storage (identity) to the number of pending gradients over it. */
    private final Map<Storage, int[]> refs = new IdentityHashMap<>();
    /** Gradients assembled from ranges: the ranges written so far; the rest is uninitialised. */
    private final Map<Tensor, List<long[]>> partial = new IdentityHashMap<>();
    private final TensorScope made = TensorScope.open();

    /** Starts with {@code seed} pending for {@code root} (the seed is the caller's: never released here). */
    PendingGradients(Tensor root, Tensor seed) {
        grads.put(root, seed);
    }

    /** Removes and returns t's summed gradient, ready to read (null when none reached t). */
    Tensor take(Tensor t) {
        Tensor g = grads.remove(t);
        if (g != null) zeroTheRest(g);
        return g;
    }

    /** Adds {@code g} to input's pending gradient (out of place: g may be shared with other inputs). */
    void add(Tensor input, Tensor g) {
        Tensor prev = grads.get(input);
        if (prev != null) zeroTheRest(prev);
        Tensor next = prev == null ? g : prev.add(g);
        grads.put(input, next);
        refs.computeIfAbsent(next.storage(), k -> new int[1])[0]++;
        if (prev != null) dropRef(prev);
    }

    /**
     * For a region view's node: puts {@code gout} into the input's pending gradient without running
     * the node's backward, when the memory policy allows; false means the caller runs the backward.
     */
    boolean absorbRegion(Node node, Tensor gout) {
        return node.range != null && writeRange(node, gout) || node.scatter != null && scatterIntoPending(node, gout);
    }

    /**
     * A node is done with its output gradient {@code gout}; {@code gin} (may be empty): what its backward
     * returned, dead now unless it became pending (not needed, or added into another gradient).
     */
    void used(Tensor gout, Tensor[] gin) {
        dropRef(gout);
        for (Tensor x : gin) if (x != null && !refs.containsKey(x.storage())) made.release(x.storage());
    }

    /** What is left are the leaves' gradients, summed like any other: now they go to the leaves. */
    void deliverToLeaves() {
        for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
            Tensor leaf = e.getKey(), grad = e.getValue();
            zeroTheRest(grad);
            leaf.accumulateGrad(grad);
            if (leaf.grad().storage() != grad.storage()) dropRef(grad);    // added to an older one
        }
    }

    /** Hands what is still alive to the enclosing scope. */
    @Override public void close() { made.closeKeeping(); }

    /**
     * A region view's gradient added straight into its input's pending gradient, when that gradient
     * is a dense buffer this backward made and nothing else uses: a split into q, k and v then
     * builds one gradient of the whole instead of three zero-padded ones summed.
     */
    private boolean scatterIntoPending(Node node, Tensor gout) {
        Tensor pending = grads.get(node.inputs[0]);
        if (!ownedAlone(pending)) return false;
        zeroTheRest(pending);
        node.scatter.into(gout, pending);
        return true;
    }

    /** A dense, offset-0 gradient this backward made that nothing else uses (so it may be written in place). */
    private boolean ownedAlone(Tensor pending) {
        if (pending == null || pending.offset() != 0 || !pending.isContiguous() || !made.owns(pending.storage())) return false;
        int[] c = refs.get(pending.storage());
        return c != null && c[0] == 1;
    }

    /**
     * A leading-dim narrow's gradient (one range of elements of its input's gradient) COPIED into place:
     * the first one into a fresh uninitialised buffer, later ones into ranges not yet written. What no
     * range covers is zero-filled only when the gradient is used ({@link #zeroTheRest}) - never, when
     * the narrows split the input (q, k and v; the rows of several passes; a parameter's per-layer
     * rows). False: a range overlapping what is written; the caller falls back to adding.
     */
    private boolean writeRange(Node node, Tensor gout) {
        Tensor in = node.inputs[0];
        long[] range = node.range;
        Tensor pending = grads.get(in);
        if (pending == null) {
            Tensor full = Tensor.empty(in.device(), in.shape());
            copyRange(gout, full, range);
            partial.put(full, new ArrayList<>(List.of(range)));
            grads.put(in, full);
            refs.computeIfAbsent(full.storage(), k -> new int[1])[0]++;
            return true;
        }
        List<long[]> written = partial.get(pending);
        if (written == null || !ownedAlone(pending)) return false;
        for (long[] w : written) if (range[0] < w[1] && w[0] < range[1]) return false;
        copyRange(gout, pending, range);
        written.add(range);
        return true;
    }

    private static void copyRange(Tensor gout, Tensor full, long[] range) {
        Tensor region = full.reshape(-1).narrow(0, (int) range[0], (int) (range[1] - range[0])).reshape(gout.shape());
        gout.backend().copy(region.view(), gout.view(), false);
    }

    /** A gradient assembled from ranges ({@link #writeRange}) about to be used: zeros where no range wrote. */
    private void zeroTheRest(Tensor g) {
        List<long[]> written = partial.remove(g);
        if (written == null) return;
        written.sort((a, b) -> Long.compare(a[0], b[0]));
        long at = 0, n = g.numel();
        for (long[] w : written) {
            if (w[0] > at) g.backend().fill(new Span(g.storage(), (int) at), (int) (w[0] - at), 0f);
            at = Math.max(at, w[1]);
        }
        if (at < n) g.backend().fill(new Span(g.storage(), (int) at), (int) (n - at), 0f);
    }

    /** One pending use of x's storage is over (or x was never pending): release it when none is left. */
    private void dropRef(Tensor x) {
        int[] c = refs.get(x.storage());
        if (c != null && --c[0] > 0) return;
        refs.remove(x.storage());
        made.release(x.storage());
    }
}
