package io.medualtime.tensor.autograd;

import io.medualtime.tensor.Tensor;

/**
 * One recorded operation of the graph: the inputs it read and how to turn the gradient of its
 * output into gradients of those inputs. Built by each op next to its forward code.
 */
public final class Node {
    /** Maps the output gradient to one gradient per input (null where an input needs none). */
    @FunctionalInterface
    public interface Backward { Tensor[] apply(Tensor gradOutput); }

    /**
     * For views of a region of their one input (narrow, slice, unfold): adds the output gradient
     * into that region of a dense, offset-0 gradient of the input's shape.
     */
    @FunctionalInterface
    public interface Scatter { void into(Tensor gradOutput, Tensor inputGrad); }

    final String name;
    Tensor[] inputs;
    Backward backward;
    Scatter scatter;
    /** For a region that is one range of elements [from, to) of a dense gradient of the input (a leading-dim narrow), else null. */
    long[] range;

    public Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** A region view's node: its backward is the scatter into zeros, and backward may scatter into a pending gradient instead. */
    public Node(String name, Tensor input, int[] inputShape, long[] range, Scatter scatter) {
        this(name, new Tensor[]{input}, g -> {
            Tensor full = Tensor.zeros(g.device(), inputShape);
            scatter.into(g, full);
            return new Tensor[]{full};
        });
        this.scatter = scatter;
        this.range = range;
    }

    public String name() { return name; }

    /** Drops the saved tensors once backward has used them. */
    void release() {
        inputs = null;
        backward = null;
        scatter = null;
        range = null;
    }

    boolean released() { return backward == null; }
}
