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

    final String name;
    Tensor[] inputs;
    Backward backward;

    public Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String name() { return name; }

    /** Drops the saved tensors once backward has used them. */
    void release() { inputs = null; backward = null; }

    boolean released() { return backward == null; }
}
