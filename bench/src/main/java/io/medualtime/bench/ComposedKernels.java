package io.medualtime.bench;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.ops.GatedPrefixAttention;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The kernels that the CPU composes from several primitives, through the public tensor API (all
 * threads), forward alone (no graph) and forward + backward (a training step's share), each call in a
 * {@link TensorScope} as the trainers do:
 * <ul>
 * <li>attention: GPT-2's causal attention core as the CPU runs it, softmax(Q K^T / sqrt(hd) + mask) V
 *     with batched GEMMs and the fused scaled-masked softmax (B = 4, 12 heads, T = 256, hd = 64);</li>
 * <li>adapter attention: MedualTime's gated attention of every position to K shared adaptation
 *     tokens ({@link GatedPrefixAttention}; same q, K = 16);</li>
 * <li>conv1d: im2col + GEMM, TemEnc's second block (8 x 64 channels x 1000 samples to 128, kernel 5).</li>
 * </ul>
 * {@link #flops} and {@link #bytes} give the work of a call for the report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ComposedKernels {
    static final int B = 4, H = 12, T = 256, HD = 64, K = 16;
    static final int CB = 8, CIN = 64, COUT = 128, LEN = 1000, KW = 5;

    private Tensor q, k, v, mask, gOut, ka, va, gate, x, w, gConv;

    @Setup public void setup() {
        Rng rng = new Rng(1);
        q = Tensor.randn(rng, B, H, T, HD).requiresGrad(true);
        k = Tensor.randn(rng, B, H, T, HD).requiresGrad(true);
        v = Tensor.randn(rng, B, H, T, HD).requiresGrad(true);
        float[] m = new float[T * T];
        for (int i = 0; i < T; i++) for (int j = i + 1; j < T; j++) m[i * T + j] = -1e30f;
        mask = Tensor.of(m, 1, 1, T, T);
        gOut = Tensor.randn(rng, B, H, T, HD);
        ka = Tensor.randn(rng, 1, H, K, HD).requiresGrad(true);
        va = Tensor.randn(rng, 1, H, K, HD).requiresGrad(true);
        gate = Tensor.full(0.5f, 1, H, 1, 1).requiresGrad(true);
        x = Tensor.randn(rng, CB, CIN, LEN).requiresGrad(true);
        w = Tensor.randn(rng, COUT, CIN, KW).mul(0.05f).detach().requiresGrad(true);
        gConv = Tensor.randn(rng, CB, COUT, LEN);
    }

    private Tensor attention() {
        return F.scaledMaskedSoftmax(q.matmul(k.transpose(-1, -2)), (float) (1 / Math.sqrt(HD)), mask).matmul(v);
    }

    private Tensor adapter() { return GatedPrefixAttention.apply(q, ka, va, gate, 0f, 0L); }

    private Tensor conv() { return F.conv1d(x, w, null); }

    private static int forward(java.util.function.Supplier<Tensor> op) {
        try (GradMode g = GradMode.noGrad(); TensorScope s = TensorScope.open()) {
            return op.get().numel();
        }
    }

    private static int train(java.util.function.Supplier<Tensor> op, Tensor grad, Tensor... leaves) {
        try (TensorScope s = TensorScope.open()) {
            Tensor out = op.get();
            out.backward(grad);
            int n = out.numel();
            for (Tensor leaf : leaves) leaf.zeroGrad();
            return n;
        }
    }

    @Benchmark public int attentionForward() { return forward(this::attention); }

    @Benchmark public int attentionForwardBackward() { return train(this::attention, gOut, q, k, v); }

    @Benchmark public int adapterForward() { return forward(this::adapter); }

    @Benchmark public int adapterForwardBackward() { return train(this::adapter, gOut, q, ka, va, gate); }

    @Benchmark public int conv1dForward() { return forward(this::conv); }

    @Benchmark public int conv1dForwardBackward() { return train(this::conv, gConv, x, w); }

    static String size(String method) {
        if (method.startsWith("attention")) return B + "x" + H + "x" + T + "x" + HD;
        if (method.startsWith("adapter")) return B + "x" + H + "x" + T + "x" + HD + " K=" + K;
        return CB + "x" + CIN + "x" + LEN + "->" + COUT + " k=" + KW;
    }

    /** Multiply-add flops: forward, and three times that for forward + backward (two products per product). */
    static double flops(String method) {
        double fwd = method.startsWith("attention")
                ? 4.0 * B * H * T * T * HD
                : method.startsWith("adapter")
                        ? 4.0 * B * H * T * K * HD
                        : 2.0 * CB * COUT * CIN * KW * LEN;
        return method.endsWith("Backward") ? 3 * fwd : fwd;
    }

    /**
     * The bytes a call must move at least (4 bytes a float, each large operand once): attention and
     * the adapter read q (k, v) and write the output, then backward reads the output gradient and
     * writes the inputs' gradients; conv1d reads x and writes y, backward reads dy and writes dx.
     */
    static double bytes(String method) {
        double qkv = 4.0 * B * H * T * HD, cx = 4.0 * CB * CIN * LEN, cy = 4.0 * CB * COUT * LEN;
        boolean bwd = method.endsWith("Backward");
        if (method.startsWith("attention")) return bwd ? 4 * qkv + 4 * qkv : 4 * qkv;   // q, k, v, out; + dout, dq, dk, dv
        if (method.startsWith("adapter")) return bwd ? 2 * qkv + 3 * qkv : 2 * qkv;     // q, out; + dout, q again, dq
        return bwd ? cx + cy + cy + cx + cx : cx + cy;                                     // x, y; + dy, x again, dx
    }
}
