package io.medualtime.tensor.autograd;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Adds d root / d leaf, scaled by {@code seed} (null: 1 for a one-element root), into every leaf
     * that requires a gradient; frees the graph's saved tensors unless {@code retainGraph}.
     */
    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        seed = checkedSeed(root, seed);
        if (root.gradFn() == null) { root.accumulateGrad(seed); return; }
        List<Tensor> order = topologicalOrder(root);
        try (PendingGradients grads = new PendingGradients(root, seed); GradMode g = GradMode.noGrad()) {
            for (Tensor t : order) {
                Tensor gout = grads.take(t);         // the sum of everything that reached t
                if (gout == null) continue;
                Node node = t.gradFn();
                if (node.released())
                    throw new IllegalStateException("backward() through a graph that was already freed (op "
                            + node.name + "); pass retainGraph=true to the first backward");
                Tensor[] gin = NONE;
                if (!grads.absorbRegion(node, gout)) {
                    gin = inputGradients(node, gout);
                    for (int i = 0; i < node.inputs.length; i++)
                        if (node.inputs[i] != null && node.inputs[i].requiresGrad() && gin[i] != null)
                            grads.add(node.inputs[i], checkedShape(node, gin[i], node.inputs[i]));
                }
                grads.used(gout, gin);
                if (!retainGraph) node.release();
            }
            grads.deliverToLeaves();
        }
    }

    private static final Tensor[] NONE = new Tensor[0];

    /** The node's backward, its temporaries released when it returns (all but the gradients it produced). */
    private static Tensor[] inputGradients(Node node, Tensor gout) {
        try (TensorScope call = TensorScope.open()) {
            Tensor[] gin = node.backward.apply(gout);
            for (Tensor x : gin) if (x != null) call.keep(x);
            return gin;
        }
    }

    private static Tensor checkedShape(Node node, Tensor grad, Tensor input) {
        if (!Arrays.equals(grad.shape(), input.shape()))
            throw new IllegalStateException("op " + node.name + " produced a gradient of shape "
                    + Arrays.toString(grad.shape()) + " for an input of shape " + Arrays.toString(input.shape()));
        return grad;
    }

    /** The seed to start from: the given one when its shape fits, else 1 for a one-element root. */
    private static Tensor checkedSeed(Tensor root, Tensor seed) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad "
                    + "(it was created under no-grad, detached, or from inputs without requiresGrad)");
        if (seed == null) {
            if (root.numel() != 1)
                throw new IllegalStateException("backward() of a non-scalar tensor of shape "
                        + Arrays.toString(root.shape()) + " needs an explicit gradient seed");
            return Tensor.full(root.device(), 1f, root.shape());
        }
        if (!Arrays.equals(seed.shape(), root.shape()))
            throw new IllegalArgumentException("gradient seed shape " + Arrays.toString(seed.shape())
                    + " does not match output shape " + Arrays.toString(root.shape()));
        return seed;
    }

    /** Nodes reachable from root, outputs before inputs (iterative DFS: deep graphs don't overflow). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root));
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Visit v = stack.peek();
            Node n = v.tensor.gradFn();
            Tensor[] ins = n == null || n.inputs == null ? NONE : n.inputs;
            if (v.next < ins.length) {
                Tensor c = ins[v.next++];
                if (c != null && c.gradFn() != null && !visited.containsKey(c)) {
                    visited.put(c, true);
                    stack.push(new Visit(c));
                }
            } else {
                stack.pop();
                post.add(v.tensor);
            }
        }
        Collections.reverse(post);
        return post;
    }

    /** A tensor on the DFS stack and the index of its next input to visit. */
    private static final class Visit {
        final Tensor tensor;
        int next;
        Visit(Tensor tensor) { this.tensor = tensor; }
    }
}
