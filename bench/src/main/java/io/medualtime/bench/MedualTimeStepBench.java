package io.medualtime.bench;

import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.model.ReportBatch;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.cpu.Parallel;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One supervised MedualTime training step and the inference of the same batch, with GPT-2 small's
 * shapes (random weights, NOT pretrained) and the official defaults: B=8, 12 x 1000 signals, reports
 * of 48 tokens, M=11, K=5, 5 classes, dropout 0.1 in train mode (--dropout p to change), text vectors precomputed (cached, as
 * in training). Step = forward (both passes) + cross-entropy + backward + AdamW (lr 1e-3, wd 0.01) on
 * the ~0.9 M trainable parameters.
 *
 * <p>Run: {@code bench/medualtime-vs-pytorch.sh} (also runs tools/reference/medualtime_bench.py), or
 * {@code java --add-modules jdk.incubator.vector -Xmx8g -cp bench/target-model/benchmarks.jar
 * io.medualtime.bench.MedualTimeStepBench [--warmup 2] [--steps 5] [--B 8] [--device cpu|cuda] [--inference-only] [--no-scope]}. Prints each run, the
 * medians (RESULT line) and a breakdown of the step (forward, backward, optimizer). Each step and each
 * inference runs in a {@link TensorScope}, as the trainers do ({@code --no-scope}: leave every tensor to the
 * garbage collector, for comparison).
 */
public final class MedualTimeStepBench {
    public static void main(String[] args) {
        int warmup = 2, steps = 5, b = 8, reportTokens = 48;
        float dropout = 0.1f;
        boolean inferenceOnly = false, scoped = true;
        Device device = Device.CPU;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--dropout")) { dropout = Float.parseFloat(args[i + 1]); continue; }
            if (args[i].equals("--device")) { device = Device.parse(args[i + 1]); continue; }
            if (args[i].equals("--inference-only")) { inferenceOnly = true; i--; continue; }
            if (args[i].equals("--no-scope")) { scoped = false; i--; continue; }
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--warmup" -> warmup = v;
                case "--steps" -> steps = v;
                case "--B" -> b = v;
                case "--tokens" -> reportTokens = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Gpt2Config small = Gpt2Config.gpt2();
        MedualTimeConfig cfg = MedualTimeConfig.defaults(5).withDropout(dropout);
        BenchStep bench = BenchStep.of(
                BenchStep.lm(small.vocabSize(), small.nEmbd(), small.nLayer(), small.nHead(), small.nInner(), dropout),
                cfg, b, reportTokens, device);
        MedualTime model = bench.model();
        System.out.printf("device %s%n", device == Device.CPU ? "CPU" : io.medualtime.tensor.cuda.CudaRuntime.get().describe());
        System.out.printf("MedualTime on a GPT-2-small-shaped LM (random, NOT pretrained), %d trainable params, %d threads%n",
                model.trainableParameterCount(), Parallel.threads());
        System.out.printf("B=%d, signals %d x %d, reports %d tokens, M=%d, K=%d, dropout %.2f, text vectors cached%n",
                b, cfg.leads(), cfg.steps(), reportTokens, cfg.adapterLayers(), cfg.adapterTokens(), dropout);

        Tensor signals = bench.signals(), textVectors = bench.textVectors();
        ReportBatch reports = bench.reports();
        int[] labels = bench.labels();
        Runnable sync = device == Device.CPU ? () -> {} : () -> io.medualtime.tensor.cuda.CudaRuntime.get().synchronize();
        AdamW opt = new AdamW(model.trainableParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);

        double[] step = new double[steps], infer = new double[steps], stepCpu = new double[steps], inferCpu = new double[steps];
        double[][] parts = new double[3][steps];   // forward (both passes, TemEnc, head, loss), backward, optimizer
        if (inferenceOnly) {      // for profilers: inference alone, no training step
            model.eval();
            for (int s = 0; s < warmup + steps; s++) {
                double ms = time(scoped, () -> {
                    try (GradMode g = GradMode.noGrad()) {
                        return model.forward(signals, reports, textVectors).logits();
                    }
                });
                System.out.printf("run %d%s: inference %.0f ms%n", s, s < warmup ? " (warm-up)" : "", ms);
                if (s >= warmup) infer[s - warmup] = ms;
            }
            System.out.printf("RESULT java inference_ms %.0f (median of %d after %d warm-up)%n", median(infer), steps, warmup);
            return;
        }
        for (int s = 0; s < warmup + steps; s++) {
            model.train(true);
            long c0 = cpuNanos(), t0 = System.nanoTime();
            TensorScope scope = scoped ? TensorScope.open() : null;
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(model.forward(signals, reports, textVectors).logits(), labels);
            float l = loss.item();
            long t1 = System.nanoTime();
            loss.backward();
            sync.run();
            long t2 = System.nanoTime();
            opt.step();
            if (scope != null) scope.close();
            sync.run();
            long t3 = System.nanoTime(), c3 = cpuNanos();
            double stepMs = (t3 - t0) / 1e6;
            long c4 = cpuNanos();
            double inferMs = time(scoped, () -> {
                model.eval();
                try (GradMode g = GradMode.noGrad()) {
                    return model.forward(signals, reports, textVectors).logits();
                }
            });
            double inferCpuMs = (cpuNanos() - c4) / 1e6;
            System.out.printf("run %d%s: loss %.6f  step %.0f ms (forward %.0f, backward %.0f, AdamW %.1f)  inference %.0f ms%n",
                    s, s < warmup ? " (warm-up)" : "", l, stepMs, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, inferMs);
            if (s >= warmup) {
                int k = s - warmup;
                step[k] = stepMs;
                infer[k] = inferMs;
                stepCpu[k] = (c3 - c0) / 1e6;
                inferCpu[k] = inferCpuMs;
                parts[0][k] = (t1 - t0) / 1e6;
                parts[1][k] = (t2 - t1) / 1e6;
                parts[2][k] = (t3 - t2) / 1e6;
            }
        }
        System.out.printf("breakdown (median ms): forward %.0f (both passes, TemEnc, head, loss), backward %.0f, AdamW %.1f%n",
                median(parts[0]), median(parts[1]), median(parts[2]));
        // CPU time of this process: robust to other work on shared cores; / threads = the wall time
        // the step would take with the cores to itself and perfect parallelism (a lower bound)
        System.out.printf("process CPU time (median ms): step %.0f, inference %.0f; / %d threads = %.0f, %.0f%n",
                median(stepCpu), median(inferCpu), Parallel.threads(), median(stepCpu) / Parallel.threads(),
                median(inferCpu) / Parallel.threads());
        System.out.printf("RESULT java train_step_ms %.0f inference_ms %.0f (median of %d after %d warm-up)%n",
                median(step), median(infer), steps, warmup);
    }

    static double time(boolean scoped, Supplier<Tensor> f) {
        long t0 = System.nanoTime();
        try (TensorScope scope = scoped ? TensorScope.open() : null) {
            f.get().toArray();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
