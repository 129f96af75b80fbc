package io.medualtime.tensor.autograd;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.backend.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation over the recorded graph (micrograd's algorithm on tensors):
 * order the nodes topologically from the output, then hand each node the sum of the gradients
 * of its output and let it produce its inputs' gradients. Leaves that require gradients
 * accumulate into {@link Tensor#grad()} across calls; the graph's saved tensors are dropped
 * afterwards unless {@code retainGraph}.
 */
public final class Autograd {
    private Autograd() {}

    /** Records {@code out} as produced by {@code name} from inputs, when any input requires a gradient. */
    public static Tensor record(Tensor out, String name, Tensor[] inputs, Node.Backward backward) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (any) out.setGradFn(new Node(name, inputs, backward));
        return out;
    }

    /**
     * Records a view of a region of {@code input} (see {@link Node.Scatter}); {@code range}: the region
     * as one range of elements [from, to) of a dense tensor of input's shape, when it is one (else null).
     */
    public static Tensor recordRegion(Tensor out, String name, Tensor input, long[] range, Node.Scatter scatter) {
        if (GradMode.isEnabled() && input.requiresGrad()) out.setGradFn(new Node(name, input, input.shape(), range, scatter));
        return out;
    }

    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad "
                    + "(it was created under no-grad, detached, or from inputs without requiresGrad)");
        if (seed == null) {
            if (root.numel() != 1)
                throw new IllegalStateException("backward() of a non-scalar tensor of shape "
                        + java.util.Arrays.toString(root.shape()) + " needs an explicit gradient seed");
            seed = Tensor.full(root.device(), 1f, root.shape());
        } else if (!java.util.Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("gradient seed shape " + java.util.Arrays.toString(seed.shape())
                    + " does not match output shape " + java.util.Arrays.toString(root.shape()));
        }
        if (root.gradFn() == null) { root.accumulateGrad(seed); return; }

        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        // Memory: every storage allocated during this backward belongs to `made`. A node's temporaries
        // die when its backward returns; a gradient dies once the nodes it was pending for have used it
        // (refs counts the pending gradients over each storage: views and pass-throughs share one).
        // Dead ones go straight back to the allocator, so later nodes reuse them. Gradients adopted by
        // leaves are persisted and never touched; whatever is left moves to the enclosing scope.
        Map<Storage, int[]> refs = new IdentityHashMap<>();
        Map<Tensor, List<long[]>> partial = new IdentityHashMap<>();
        TensorScope made = TensorScope.open();
        try (GradMode g = GradMode.noGrad()) {
            for (Tensor t : order) {
                Tensor gout = grads.remove(t);
                Node node = t.gradFn();
                if (gout == null) continue;
                zeroTheRest(gout, partial);
                if (node.released())
                    throw new IllegalStateException("backward() through a graph that was already freed (op "
                            + node.name + "); pass retainGraph=true to the first backward");
                if (node.range != null && writeRange(node, gout, grads, refs, made, partial)
                        || node.scatter != null && scatterIntoPending(node, gout, grads, refs, made, partial)) {
                    dropRef(gout, refs, made);
                    if (!retainGraph) node.release();
                    continue;
                }
                Tensor[] gin;
                try (TensorScope call = TensorScope.open()) {
                    gin = node.backward.apply(gout);
                    for (Tensor x : gin) if (x != null) call.keep(x);
                }
                Tensor[] inputs = node.inputs;
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (in == null || !in.requiresGrad() || gin[i] == null) continue;
                    if (!java.util.Arrays.equals(gin[i].shape(), in.shape()))
                        throw new IllegalStateException("op " + node.name + " produced a gradient of shape "
                                + java.util.Arrays.toString(gin[i].shape()) + " for an input of shape "
                                + java.util.Arrays.toString(in.shape()));
                    Tensor prev = grads.get(in);
                    if (prev != null) zeroTheRest(prev, partial);
                    Tensor next = prev == null ? gin[i] : prev.add(gin[i]);
                    grads.put(in, next);
                    refs.computeIfAbsent(next.storage(), k -> new int[1])[0]++;
                    if (prev != null) dropRef(prev, refs, made);
                }
                dropRef(gout, refs, made);
                for (Tensor x : gin)        // not needed, or added into another gradient: dead unless pending
                    if (x != null && !refs.containsKey(x.storage())) made.release(x.storage());
                if (!retainGraph) node.release();
            }
            // what is left are the leaves' gradients, summed like any other: now they go to the leaves
            for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
                Tensor leaf = e.getKey(), grad = e.getValue();
                zeroTheRest(grad, partial);
                leaf.accumulateGrad(grad);
                if (leaf.grad().storage() != grad.storage()) dropRef(grad, refs, made);    // added to an older one
            }
        } finally {
            made.closeKeeping();
        }
    }

    /**
     * A region view's gradient added straight into its input's pending gradient, when that gradient
     * is a dense buffer this backward made and nothing else uses: a split into q, k and v then
     * builds one gradient of the whole instead of three zero-padded ones summed.
     */
    private static boolean scatterIntoPending(Node node, Tensor gout, Map<Tensor, Tensor> grads, Map<Storage, int[]> refs,
                                              TensorScope made, Map<Tensor, List<long[]>> partial) {
        Tensor pending = grads.get(node.inputs[0]);
        if (!ownedAlone(pending, refs, made)) return false;
        zeroTheRest(pending, partial);
        node.scatter.into(gout, pending);
        return true;
    }

    /** A dense, offset-0 gradient this backward made that nothing else uses (so it may be written in place). */
    private static boolean ownedAlone(Tensor pending, Map<Storage, int[]> refs, TensorScope made) {
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
    private static boolean writeRange(Node node, Tensor gout, Map<Tensor, Tensor> grads, Map<Storage, int[]> refs,
                                      TensorScope made, Map<Tensor, List<long[]>> partial) {
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
        if (written == null || !ownedAlone(pending, refs, made)) return false;
        for (long[] w : written) if (range[0] < w[1] && w[0] < range[1]) return false;
        copyRange(gout, pending, range);
        written.add(range);
        return true;
    }

    private static void copyRange(Tensor gout, Tensor full, long[] range) {
        Tensor region = full.reshape(-1).narrow(0, (int) range[0], (int) (range[1] - range[0])).reshape(gout.shape());
        gout.backend().copy(gout.view(), region.view(), false);
    }

    /** A gradient assembled from ranges ({@link #writeRange}) about to be used: zeros where no range wrote. */
    private static void zeroTheRest(Tensor g, Map<Tensor, List<long[]>> partial) {
        List<long[]> written = partial.remove(g);
        if (written == null) return;
        written.sort((a, b) -> Long.compare(a[0], b[0]));
        long at = 0, n = g.numel();
        for (long[] w : written) {
            if (w[0] > at) g.backend().fill(g.storage(), (int) at, (int) (w[0] - at), 0f);
            at = Math.max(at, w[1]);
        }
        if (at < n) g.backend().fill(g.storage(), (int) at, (int) (n - at), 0f);
    }

    /** One pending use of x's storage is over (or x was never pending): release it when none is left. */
    private static void dropRef(Tensor x, Map<Storage, int[]> refs, TensorScope made) {
        int[] c = refs.get(x.storage());
        if (c != null && --c[0] > 0) return;
        refs.remove(x.storage());
        made.release(x.storage());
    }

    /** Nodes reachable from root, outputs before inputs (iterative DFS: deep graphs don't overflow). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int i = (int) frame[1];
            Node n = t.gradFn();
            Tensor[] ins = n == null || n.inputs == null ? new Tensor[0] : n.inputs;
            if (i < ins.length) {
                frame[1] = i + 1;
                Tensor c = ins[i];
                if (c != null && c.gradFn() != null && !visited.containsKey(c)) {
                    visited.put(c, true);
                    stack.push(new Object[]{c, 0});
                }
            } else {
                stack.pop();
                post.add(t);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
