package io.medualtime.tensor.ops;

import io.medualtime.tensor.Shapes;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.Autograd;
import io.medualtime.tensor.backend.AttentionMask;
import io.medualtime.tensor.backend.FusedAttentionSoftmax;
import io.medualtime.tensor.backend.Targets;

/** Softmax, log-softmax and the fused cross-entropy loss (log-softmax + NLL in one kernel). */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim) { return along(x, dim, false); }

    public static Tensor logSoftmax(Tensor x, int dim) { return along(x, dim, true); }

    /** Runs the last-dim kernel, moving dim to the end first when needed. */
    private static Tensor along(Tensor x, int dim, boolean log) {
        int d = Shapes.dim(dim, x.dim());
        if (d != x.dim() - 1) return Views.transpose(along(Views.transpose(x, d, -1), -1, log), d, -1);
        Tensor c = x.contiguous();
        int cols = x.dim() == 0 ? 1 : x.size(-1), rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor y = Tensor.empty(x.device(), x.shape());
        c.backend().softmax(y.span(), c.span(), rows, cols, log);
        return Autograd.record(y, log ? "log_softmax" : "softmax", new Tensor[]{x}, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(x.device(), x.shape());
            gc.backend().softmaxBackward(gx.span(), y.span(), gc.span(), rows, cols, log);
            return new Tensor[]{gx};
        });
    }

    /**
     * Attention's softmax(scale * scores + mask) over the last dim: scores [B, H, Q, K], mask [B or 1,
     * 1, Q or 1, K] (additive, no gradient). On a backend with {@link FusedAttentionSoftmax} one node
     * with one kernel each way; elsewhere exactly {@code scores.mul(scale).add(mask).softmax(-1)}.
     */
    public static Tensor scaledMasked(Tensor scores, float scale, Tensor mask) {
        FusedAttentionSoftmax fused = scores.backend() instanceof FusedAttentionSoftmax f ? f : null;
        int[] s = scores.shape(), m = mask.shape();
        boolean fits = fused != null && s.length == 4 && m.length == 4 && !mask.requiresGrad() && mask.device() == scores.device()
                && (m[0] == 1 || m[0] == s[0]) && m[1] == 1 && (m[2] == 1 || m[2] == s[2]) && m[3] == s[3];
        if (!fits) return scores.mul(scale).add(mask).softmax(-1);
        Tensor c = scores.contiguous(), mc = mask.contiguous();
        int cols = s[3], rows = scores.numel() / Math.max(cols, 1);
        Tensor y = Tensor.empty(scores.device(), s);
        fused.attentionSoftmax(y.storage(), c.span(), new AttentionMask(mc.span(), m[0] != 1, m[2] != 1), rows, cols, s[1] * s[2], s[2],
                scale);
        return Autograd.record(y, "attention_softmax", new Tensor[]{scores}, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(scores.device(), s);
            fused.attentionSoftmaxBackward(gx.storage(), y.storage(), gc.span(), rows, cols, scale);
            return new Tensor[]{gx};
        });
    }

    /**
     * Mean cross-entropy of logits [N, C] against class indices; rows whose target equals
     * {@code ignoreIndex} count neither in the sum nor in the mean (PyTorch's rule).
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException("cross-entropy expects logits [N, C], got " + Shapes.str(logits.shape()));
        int rows = logits.size(0), cols = logits.size(1);
        if (targets.length != rows) throw new IllegalArgumentException(targets.length + " targets for " + rows + " rows of logits");
        int count = 0;
        for (int i = 0; i < rows; i++) {
            int t = targets[i];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= cols)
                throw new IndexOutOfBoundsException("target " + t + " at row " + i + " out of range for " + cols + " classes");
            count++;
        }
        Tensor c = logits.contiguous();
        Tensor loss = Tensor.empty(logits.device(), rows), lse = Tensor.empty(logits.device(), rows);
        Targets rowTargets = new Targets(targets, ignoreIndex);
        c.backend().crossEntropy(loss.storage(), lse.storage(), c.span(), rowTargets, rows, cols);
        int n = count;
        Tensor mean = Elementwise.mulScalar(Reductions.sumAll(loss), n == 0 ? Float.NaN : 1f / n).detach();
        return Autograd.record(mean, "cross_entropy", new Tensor[]{logits}, g -> {
            Tensor gl = Tensor.empty(logits.device(), rows, cols);
            c.backend().crossEntropyBackward(gl.storage(), c.span(), lse.storage(), rowTargets, g.span(), rows, cols, n == 0 ? 0f : 1f / n);
            return new Tensor[]{gl};
        });
    }

    public static Tensor crossEntropy(Tensor logits, int[] targets) { return crossEntropy(logits, targets, -100); }
}
