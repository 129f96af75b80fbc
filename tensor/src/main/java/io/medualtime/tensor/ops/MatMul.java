package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.GemmBias;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;

import java.util.Arrays;

/**
 * Matrix products: 2-D, batched, with broadcast batch dims. Transposed operands (e.g.
 * {@code b.transpose(-1, -2)}) are handed to the GEMM as a transpose flag, not copied; the
 * backward builds its transposes the same way.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) throw new IllegalArgumentException("matmul of a 0-d tensor");
        if (a.dim() == 1) return Views.squeeze(matmul(Views.unsqueeze(a, 0), b), -2);
        if (b.dim() == 1) return Views.squeeze(matmul(a, Views.unsqueeze(b, 1)), -1);
        if (a.size(-1) != b.size(-2))
            throw new IllegalArgumentException("matmul shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " do not match (" + a.size(-1) + " != " + b.size(-2) + ")");
        if (a.device() != b.device()) throw new IllegalArgumentException("matmul operands on " + a.device() + " and " + b.device());
        Tensor out = raw(a, b);
        return Autograd.record(out, "matmul", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumToShape(raw(g, Views.transpose(b, -1, -2)), a.shape()) : null,
                b.requiresGrad() ? gradB(a, g, b) : null});
    }

    /**
     * dB = A^T g; a 2-D weight shared across a batch gets one GEMM over the flattened rows. When b
     * is the transpose of a dense matrix W (a tied LM head's {@code wte.transpose(0, 1)}, a
     * PyTorch-layout Linear), dB is computed as (g^T A)^T so that W's gradient comes out dense
     * instead of as a transposed view that a strided copy would then have to gather.
     */
    private static Tensor gradB(Tensor a, Tensor g, Tensor b) {
        int[] bShape = b.shape();
        int[] bs = b.strides();
        if (bShape.length == 2 && bShape[0] > 1 && bShape[1] > 1 && bs[0] == 1 && bs[1] == bShape[0]) {
            Tensor a2 = Views.reshape(a, -1, a.size(-1)), g2 = Views.reshape(g, -1, g.size(-1));
            return Views.transpose(raw(Views.transpose(g2, 0, 1), a2), 0, 1);
        }
        if (bShape.length == 2 && a.dim() > 2) {
            Tensor a2 = Views.reshape(a, -1, a.size(-1)), g2 = Views.reshape(g, -1, g.size(-1));
            return raw(Views.transpose(a2, 0, 1), g2);
        }
        return Reductions.sumToShape(raw(Views.transpose(a, -1, -2), g), bShape);
    }

    /**
     * A linear layer, x W + b (W [in, out], possibly a transposed view; b [out]), as one node: the
     * result starts as the bias rows and the GEMM accumulates the product onto them (beta = 1),
     * so no second [rows, out] tensor is made for the sum (PyTorch's addmm).
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (w.dim() != 2 || bias.dim() != 1 || bias.size(0) != w.size(1) || x.dim() < 1 || x.size(-1) != w.size(0))
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + ", weight " + Shapes.str(w.shape())
                    + " and bias " + Shapes.str(bias.shape()) + " do not match (expected [.., in], [in, out], [out])");
        if (x.device() != w.device() || bias.device() != w.device())
            throw new IllegalArgumentException("linear operands on different devices");
        if (x.dim() == 1) return Views.squeeze(linear(Views.unsqueeze(x, 0), w, bias), 0);
        Tensor out = raw(x, w, bias);
        return Autograd.record(out, "linear", new Tensor[]{x, w, bias}, g -> new Tensor[]{
                x.requiresGrad() ? Reductions.sumToShape(raw(g, Views.transpose(w, -1, -2)), x.shape()) : null,
                w.requiresGrad() ? gradB(x, g, w) : null,
                bias.requiresGrad() ? Reductions.sumToShape(g, bias.shape()) : null});
    }

    /** The product without autograd. */
    static Tensor raw(Tensor a, Tensor b) { return raw(a, b, null); }

    /** The product without autograd; with a bias [n] (b 2-D) added to every row, accumulated onto it by the GEMM. */
    private static Tensor raw(Tensor a, Tensor b, Tensor bias) {
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        // a weight matrix applied to a batch of rows: one big GEMM
        if (b.dim() == 2 && a.dim() > 2 && Shapes.viewStrides(a.shape(), a.strides(), new int[]{a.numel() / k, k}) != null) {
            int[] outShape = a.shape();
            outShape[outShape.length - 1] = n;
            Tensor out = raw(Views.reshape(a, -1, k), b, bias);
            return Views.make(out, 0, outShape, Shapes.contiguousStrides(outShape));
        }
        int[] batch = Shapes.broadcast(Arrays.copyOf(a.shape(), a.dim() - 2), Arrays.copyOf(b.shape(), b.dim() - 2));
        Tensor ae = expandBatch(a, batch), be = expandBatch(b, batch);
        int nb = batch.length;
        int[] outShape = Arrays.copyOf(batch, nb + 2);
        outShape[nb] = m;
        outShape[nb + 1] = n;
        // written whole by the bias copy or the GEMM (beta = 0 does not read it); zeros only when k = 0 without bias
        Tensor out = k == 0 && bias == null ? Tensor.zeros(a.device(), outShape) : Tensor.empty(a.device(), outShape);
        int count = 1;
        for (int d : batch) count *= d;
        if (out.numel() == 0) return out;
        boolean fusedBias = bias != null && k > 0 && count == 1 && bias.strides()[0] == 1
                && out.backend() instanceof GemmBias g && g.fusesBias();
        if (bias != null && !fusedBias)     // every row starts as the bias; the GEMM then adds the product (beta = 1)
            out.backend().copy(out.view(),
                    Views.make(bias, bias.offset(), outShape, Shapes.broadcastStrides(bias.shape(), bias.strides(), outShape)).view(),
                    false);
        if (k == 0) return out; // zeros (or the bias)
        Operand pa = Operand.of(ae, nb), pb = Operand.of(be, nb);
        if (fusedBias)      // a backend where the bias copy would be a launch of its own adds it in the GEMM
            ((GemmBias) out.backend()).gemmBias(Matrix.of(out.storage(), 0, n), pa.matrix(), pb.matrix(), bias.span(),
                    GemmShape.of(pa.trans, pb.trans, m, n, k));
        else
            out.backend().gemm(new Matrix(out.storage(), 0, n, m * n), pa.matrix(), pb.matrix(),
                    new GemmShape(pa.trans, pb.trans, m, n, k, count), 1f, bias == null ? 0f : 1f);
        if (pa.t != ae) TensorScope.releaseTemporary(pa.t);     // dense copies made for the GEMM only
        if (pb.t != be) TensorScope.releaseTemporary(pb.t);
        return out;
    }

    private static Tensor expandBatch(Tensor x, int[] batch) {
        int[] target = Arrays.copyOf(batch, batch.length + 2);
        target[batch.length] = x.size(-2);
        target[batch.length + 1] = x.size(-1);
        return Views.make(x, x.offset(), target, Shapes.broadcastStrides(x.shape(), x.strides(), target));
    }

    /** How a (possibly transposed, possibly batched) operand is passed to the GEMM. */
    private record Operand(Tensor t, boolean trans, int ld, int batchStride) {
        Matrix matrix() { return new Matrix(t.storage(), t.offset(), ld, batchStride); }

        static Operand of(Tensor x, int nb) {
            Operand o = tryOf(x, nb);
            return o != null ? o : tryOf(Views.contiguous(x), nb);
        }

        static Operand tryOf(Tensor x, int nb) {
            int[] s = x.shape(), st = x.strides();
            int r = s[nb], c = s[nb + 1], rs = st[nb], cs = st[nb + 1];
            boolean trans;
            int ld;
            if ((cs == 1 || c == 1) && (r == 1 || rs >= Math.max(c, 1))) {
                trans = false;
                ld = r == 1 ? Math.max(c, 1) : rs;
            } else if ((rs == 1 || r == 1) && (c == 1 || cs >= Math.max(r, 1))) {
                trans = true;
                ld = c == 1 ? Math.max(r, 1) : cs;
            } else return null;
            // batch dims must collapse to one stride: st[j] == stride * (product of the batch sizes after j)
            int stride = 0;
            for (int i = nb - 1; i >= 0; i--) if (s[i] != 1) { stride = st[i]; break; }
            long span = 1;
            for (int j = nb - 1; j >= 0; j--) {
                if (s[j] != 1 && st[j] != stride * span) return null;
                span *= s[j];
            }
            return new Operand(x, trans, ld, stride);
        }
    }
}
