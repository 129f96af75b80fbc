package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.UnaryOp;
import io.medualtime.tensor.backend.View;

/**
 * Elementwise ops: binary with NumPy broadcasting (no copies: inputs are read through stride-0
 * views) and unary. Each forward is followed by its backward; gradients of broadcast inputs are
 * summed back to the input's shape.
 */
public final class Elementwise {
    private Elementwise() {}

    // ---- binary ------------------------------------------------------------------------------
    /** out = op(a, b) with broadcasting, no autograd. */
    public static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b) {
        if (a.device() != b.device())
            throw new IllegalArgumentException("operands on different devices: " + a.device() + " and " + b.device());
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        Tensor out = Tensor.empty(a.device(), shape);
        a.backend().binary(op, out.span(), broadcastView(a, shape), broadcastView(b, shape));
        return out;
    }

    static View broadcastView(Tensor x, int[] shape) {
        return new View(x.storage(), x.offset(), shape, Shapes.broadcastStrides(x.shape(), x.strides(), shape));
    }

    public static Tensor add(Tensor a, Tensor b) {
        return Autograd.record(binaryRaw(BinaryOp.ADD, a, b), "add", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(g, a.shape()) : null,
                b.requiresGrad() ? Reductions.sumToShape(g, b.shape()) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return Autograd.record(binaryRaw(BinaryOp.SUB, a, b), "sub", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(g, a.shape()) : null,
                b.requiresGrad() ? Reductions.sumToShape(neg(g), b.shape()) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return Autograd.record(binaryRaw(BinaryOp.MUL, a, b), "mul", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(mul(g, b), a.shape()) : null,
                b.requiresGrad() ? Reductions.sumToShape(mul(g, a), b.shape()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        return Autograd.record(binaryRaw(BinaryOp.DIV, a, b), "div", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(div(g, b), a.shape()) : null,
                // d(a/b)/db = -a / b^2
                b.requiresGrad() ? Reductions.sumToShape(neg(mul(g, div(a, mul(b, b)))), b.shape()) : null});
    }

    /** a^b for positive a (the gradient wrt b uses log a). */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.POW, a, b);
        return Autograd.record(out, "pow", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad()
                        ? Reductions.sumToShape(mul(g, mul(b, pow(a, sub(b, Tensor.scalar(1f).to(b.device()))))), a.shape())
                        : null,
                b.requiresGrad() ? Reductions.sumToShape(mul(g, mul(out.detach(), log(a))), b.shape()) : null});
    }

    // ---- unary -------------------------------------------------------------------------------
    /** out = op(x; p), no autograd. */
    public static Tensor unaryRaw(UnaryOp op, float p, Tensor x) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.empty(x.device(), x.shape());
        c.backend().unary(op, out.span(), c.span(), c.numel(), p);
        return out;
    }

    /** Backward of ops with a fused kernel: gin = op'(x) * gout. */
    static Tensor unaryGrad(UnaryOp op, float p, Tensor x, Tensor g) {
        Tensor xc = x.contiguous(), gc = g.contiguous();
        Tensor gin = Tensor.empty(x.device(), x.shape());
        xc.backend().unaryBackward(op, gin.span(), xc.span(), gc.span(), xc.numel(), p);
        return gin;
    }

    private static Tensor fused(UnaryOp op, float p, Tensor x, String name) {
        return Autograd.record(unaryRaw(op, p, x), name, new Tensor[]{x}, g -> new Tensor[]{unaryGrad(op, p, x, g)});
    }

    public static Tensor neg(Tensor x) {
        return Autograd.record(unaryRaw(UnaryOp.NEG, 0, x), "neg", new Tensor[]{x}, g -> new Tensor[]{neg(g)});
    }
    public static Tensor addScalar(Tensor x, float s) {
        return Autograd.record(unaryRaw(UnaryOp.ADD_SCALAR, s, x), "add_scalar", new Tensor[]{x}, g -> new Tensor[]{g});
    }
    public static Tensor mulScalar(Tensor x, float s) {
        return Autograd.record(unaryRaw(UnaryOp.MUL_SCALAR, s, x), "mul_scalar", new Tensor[]{x}, g -> new Tensor[]{mulScalar(g, s)});
    }
    /** s - x */
    public static Tensor rsubScalar(Tensor x, float s) {
        return Autograd.record(unaryRaw(UnaryOp.RSUB_SCALAR, s, x), "rsub_scalar", new Tensor[]{x}, g -> new Tensor[]{neg(g)});
    }
    public static Tensor powScalar(Tensor x, float p) {
        return Autograd.record(unaryRaw(UnaryOp.POW_SCALAR, p, x), "pow_scalar", new Tensor[]{x},
                g -> new Tensor[]{mul(g, mulScalar(powScalar(x, p - 1), p))});
    }
    public static Tensor sqrt(Tensor x) {
        Tensor y = unaryRaw(UnaryOp.SQRT, 0, x);
        return Autograd.record(y, "sqrt", new Tensor[]{x}, g -> new Tensor[]{div(g, mulScalar(y, 2f))});
    }
    public static Tensor exp(Tensor x) {
        Tensor y = unaryRaw(UnaryOp.EXP, 0, x);
        return Autograd.record(y, "exp", new Tensor[]{x}, g -> new Tensor[]{mul(g, y)});
    }
    public static Tensor log(Tensor x) {
        return Autograd.record(unaryRaw(UnaryOp.LOG, 0, x), "log", new Tensor[]{x}, g -> new Tensor[]{div(g, x)});
    }
    public static Tensor abs(Tensor x) { return fused(UnaryOp.ABS, 0, x, "abs"); }
    public static Tensor tanh(Tensor x) { return fused(UnaryOp.TANH, 0, x, "tanh"); }
    public static Tensor sigmoid(Tensor x) { return fused(UnaryOp.SIGMOID, 0, x, "sigmoid"); }
    public static Tensor relu(Tensor x) { return fused(UnaryOp.RELU, 0, x, "relu"); }
    /** GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static Tensor gelu(Tensor x) {
        return fused(UnaryOp.GELU, 0, x, "gelu");
    }
    /** GELU, exact erf form: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) (BERT's / PyTorch's default "gelu"). */
    public static Tensor geluErf(Tensor x) {
        return fused(UnaryOp.GELU_ERF, 0, x, "gelu_erf");
    }
    /** max(x, min); the gradient passes where x > min. */
    public static Tensor clampMin(Tensor x, float min) {
        return fused(UnaryOp.CLAMP_MIN, min, x, "clamp_min");
    }
}
