package io.medualtime.model;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cuda.CudaRuntime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AdapterAttention} against the paper's equation written out with plain autograd ops:
 * out + tanh(g_l) softmax(Q Ka^T / sqrt(hd)) Va, with Ka, Va the key and value thirds of the whole
 * c_attn(adapter_query[l] + c). Values and the gradients of the tokens, the condition, the gates and
 * the queries; layers below the adapters are left alone. On CUDA the fused formulation (tokens built
 * per sample, bias in the GEMM) must give the same.
 */
class AdapterAttentionTest {
    static final int B = 3, K = 4, HEADS = 2, C = 16, LAYERS = 3, M = 2, T = 5, HD = C / HEADS;

    @Test void cpuFollowsThePapersEquation() { check(Device.CPU, 1e-5); }

    @Test void cudaFollowsThePapersEquation() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        check(Device.CUDA, 1e-4);
    }

    @Test void conditionMustMatchTheBatchAndWidth() {
        Tensor[] gates = new Tensor[LAYERS];
        Tensor queries = Tensor.randn(new Rng(1), M * K, C);
        assertThrows(IllegalArgumentException.class, () -> new AdapterAttention(queries, K, Tensor.zeros(B, C + 1), gates, 0f, new Rng(0)));
        Gpt2 lm = new Gpt2(Gpt2Config.of(50, 16, C, LAYERS, HEADS), new Rng(0));
        AdapterAttention a = new AdapterAttention(queries, K, Tensor.zeros(B, C), gates, 0f, new Rng(0));
        Tensor q = Tensor.zeros(B + 1, HEADS, T, HD), out = Tensor.zeros(B + 1, T, HEADS, HD);
        assertThrows(IllegalArgumentException.class, () -> a.addTo(LAYERS - 1, q, lm.h.get(LAYERS - 1).attn, out));
    }

    private static void check(Device device, double tol) {
        Gpt2 lm = new Gpt2(Gpt2Config.of(50, 16, C, LAYERS, HEADS), new Rng(0));
        lm.to(device);
        int first = LAYERS - M;
        Tensor[] leaves = {Tensor.randn(new Rng(1), M * K, C), Tensor.randn(new Rng(2), B, C), Tensor.randn(new Rng(3), B, HEADS, T, HD)};
        Tensor[][] grads = new Tensor[2][];
        Tensor[] results = new Tensor[2];
        for (int run = 0; run < 2; run++) {
            Tensor queries = leaves[0].to(device).detach().requiresGrad(true), cond = leaves[1].to(device).detach().requiresGrad(true);
            Tensor q = leaves[2].to(device).detach().requiresGrad(true);
            Tensor[] gates = new Tensor[LAYERS];
            for (int l = first; l < LAYERS; l++)
                gates[l] = Tensor.randn(new Rng(10 + l), 1, HEADS, 1, 1).to(device).detach().requiresGrad(true);
            AdapterAttention adapter = new AdapterAttention(queries, K, cond, gates, 0f, new Rng(0));
            Tensor sum = Tensor.zeros(B, T, HEADS, HD).to(device);
            for (int l = 0; l < LAYERS; l++) {
                Gpt2.Attention attn = lm.h.get(l).attn;
                Tensor out = Tensor.randn(new Rng(20 + l), B, T, HEADS, HD).to(device);
                Tensor y;
                if (run == 0) y = adapter.addTo(l, q, attn, out);
                else
                    y = l < first
                            ? out
                            : out.add(paperTerm(attn, queries.narrow(0, (l - first) * K, K), cond, gates[l], q).transpose(1, 2));
                if (run == 0 && l < first) assertSame(out, y, "layer " + l + " has no adapter");
                sum = sum.add(y);
            }
            sum.mul(Tensor.randn(new Rng(5), B, T, HEADS, HD).to(device)).sum().backward();
            results[run] = sum;
            grads[run] = new Tensor[]{queries.grad(), cond.grad(), q.grad(), gates[first].grad(), gates[LAYERS - 1].grad()};
        }
        Fixtures.assertClose("output", results[1].to(Device.CPU), results[0].to(Device.CPU), tol);
        String[] names = {"adapter_query", "condition", "q", "gate " + first, "gate " + (LAYERS - 1)};
        for (int i = 0; i < names.length; i++)
            Fixtures.assertClose("grad " + names[i], grads[1][i].to(Device.CPU), grads[0][i].to(Device.CPU), tol);
    }

    /** tanh(g) softmax(Q Ka^T / sqrt(hd)) Va, Ka and Va from c_attn(A_l), A_l = tokens + c: [B, heads, T, hd]. */
    private static Tensor paperTerm(Gpt2.Attention attn, Tensor tokens, Tensor cond, Tensor gate, Tensor q) {
        Tensor a = tokens.unsqueeze(0).add(cond.unsqueeze(1));                                   // [B, K, C]
        Tensor qkv = F.linear(a, attn.cAttn.weight, attn.cAttn.bias);                            // [B, K, 3C]
        Tensor ka = attn.heads(qkv, 1), va = attn.heads(qkv, 2);
        Tensor probs = q.matmul(ka.transpose(-1, -2)).mul((float) (1 / Math.sqrt(HD))).softmax(-1);
        return gate.tanh().mul(probs.matmul(va));
    }
}
