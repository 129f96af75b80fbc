package io.medualtime.bench;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.Parallel;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * One full training step of a GPT-2-architecture LM with GPT-2 124M's shapes (random
 * initialisation, NOT pretrained), as llm.c's train_gpt2.c does: B=4, T=64, forward, mean
 * cross-entropy over all 256 positions, backward, AdamW (lr 1e-4, wd 0, like llm.c) on every weight.
 *
 * <p>Run: {@code bench/gpt2-vs-pytorch.sh} (also runs tools/reference/gpt2_bench.py), or
 * {@code java --add-modules jdk.incubator.vector -Xmx8g -cp bench/target/benchmarks.jar
 * io.medualtime.bench.Gpt2TrainStepBench [--warmup 2] [--steps 5] [--B 4] [--T 64] [--layers 12] [--dropout 0]}.
 * Dropout defaults to 0, as in llm.c and the PyTorch side, so both do the same arithmetic.
 * Prints per-step times, the median step and the forward / backward / optimizer split.
 */
public final class Gpt2TrainStepBench {
    public static void main(String[] args) {
        int warmup = 2, steps = 5, b = 4, t = 64, layers = 12;
        double dropout = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--dropout")) { dropout = Double.parseDouble(args[i + 1]); continue; }
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--warmup" -> warmup = v;
                case "--steps" -> steps = v;
                case "--B" -> b = v;
                case "--T" -> t = v;
                case "--layers" -> layers = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Gpt2Config full = Gpt2Config.gpt2();
        Gpt2Config cfg = new Gpt2Config("gpt2", full.vocabSize(), full.nPositions(), full.nEmbd(), layers, full.nHead(), full.nInner(),
                1e-5, "gelu_new", dropout, dropout, dropout, full.bosTokenId(), full.eosTokenId(), true, false, false, true);
        Gpt2 lm = new Gpt2(cfg, new Rng(42));
        lm.train(true);
        System.out.printf("GPT-2-architecture LM, random initialisation, NOT pretrained: %d layers x %d wide, %.1fM params%n",
                cfg.nLayer(), cfg.nEmbd(), lm.parameterCount(true) / 1e6);
        System.out.printf("B=%d T=%d, AdamW on all weights, %d threads, dropout %s (train mode)%n",
                b, t, Parallel.threads(), dropout == 0 ? "0 (like llm.c and tools/reference/gpt2_bench.py)" : String.valueOf(dropout));
        Rng rng = new Rng(1337);
        int[] ids = new int[b * t], targets = new int[b * t];
        int[] seq = new int[b * (t + 1)];
        for (int i = 0; i < seq.length; i++) seq[i] = (int) (rng.uniform() * cfg.vocabSize());
        for (int r = 0; r < b; r++)
            for (int j = 0; j < t; j++) {
                ids[r * t + j] = seq[r * (t + 1) + j];
                targets[r * t + j] = seq[r * (t + 1) + j + 1];
            }
        AdamW opt = new AdamW(lm.trainableParameters(), 1e-4f, 0.9f, 0.999f, 1e-8f, 0f);

        int total = warmup + steps;
        double[] step = new double[steps], fwd = new double[steps], bwd = new double[steps], optT = new double[steps];
        double[] cpu = new double[steps];
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int s = 0; s < total; s++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor logits = lm.logits(lm.hidden(ids, null, b, t, null));
            Tensor loss = F.crossEntropy(logits.reshape(b * t, -1), targets);
            float l = loss.item();
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime();
            opt.step();
            long t3 = System.nanoTime();
            double cpuMs = (os.getProcessCpuTime() - c0) / 1e6;
            double ms = (t3 - t0) / 1e6;
            System.out.printf("step %d%s: loss %.4f  %.0f ms (forward %.0f, backward %.0f, optimizer %.0f), process CPU %.0f ms%n", s,
                    s < warmup ? " (warm-up)" : "", l, ms, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, cpuMs);
            if (s >= warmup) {
                int k = s - warmup;
                cpu[k] = cpuMs;
                step[k] = ms;
                fwd[k] = (t1 - t0) / 1e6;
                bwd[k] = (t2 - t1) / 1e6;
                optT[k] = (t3 - t2) / 1e6;
            }
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(
                "RESULT java step_ms_median %.0f forward %.0f backward %.0f optimizer %.0f min %.0f (median of %d after %d warm-up)%n",
                median(step), median(fwd), median(bwd), median(optT), Arrays.stream(step).min().orElse(0), steps, warmup);
        System.out.printf("RESULT java process_cpu_ms_median %.0f (all threads incl. GC/JIT; / %d threads = %.0f ms, an estimate of the "
                + "wall time on %d idle cores when other jobs share the machine)%n", median(cpu), Parallel.threads(),
                median(cpu) / Parallel.threads(), Parallel.threads());
        System.out.printf("heap used after the run (after GC, params + grads + AdamW moments live): %.0f MB; max heap %.0f MB%n",
                heap / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
