package io.medualtime.bench;

import java.util.Map;
import java.util.TreeMap;

import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.cuda.KernelProfile;

/**
 * What one MedualTime training step queues on a GPU: kernel launches per kernel, memsets and
 * host/device copies, counted by the CUDA driver's profile. The step has MedualTimeStepBench's
 * structure (GPT-2 with 12 layers, M = 11, K = 5, AdamW, dropout 0, in a TensorScope) with small
 * widths, so that the PTX emulator runs it in seconds; the counts do not depend on widths.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dmedualtime.cuda.emulate=always -Dmedualtime.cuda.profile=true \
 *     -cp bench/target/benchmarks.jar io.medualtime.bench.CudaLaunchCount [steps]</pre>
 */
public final class CudaLaunchCount {
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        MedualTimeConfig cfg = MedualTimeConfig.defaults(5).withDropout(0f).withSignal(12, 200).withTemEncWidth(16);
        BenchStep bench = BenchStep.of(BenchStep.lm(1000, 64, 12, 4, 256, 0f), cfg, 2, 48, Device.CUDA);
        MedualTime model = bench.model();
        KernelProfile profile = KernelProfile.active();
        if (profile == null) throw new IllegalStateException("run with -Dmedualtime.cuda.profile=true (and a GPU or -Dmedualtime.cuda.emulate=always)");
        AdamW opt = new AdamW(model.trainableParameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        Map<String, Long> before = null;
        for (int s = 0; s <= steps; s++) {                  // step 0 warms the caches (uploads, shape tables)
            if (s == 1) before = profile.counts();
            try (TensorScope scope = TensorScope.open()) {
                opt.zeroGrad();
                Tensor loss = F.crossEntropy(model.forward(bench.signals(), bench.reports(), bench.textVectors()).logits(), bench.labels());
                loss.backward();
                opt.step();
                loss.item();
            }
        }
        Map<String, Long> after = profile.counts(), perStep = new TreeMap<>();
        long launches = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / steps;
            if (d == 0) continue;
            perStep.put(e.getKey(), d);
            if (!e.getKey().startsWith("(")) launches += d;
        }
        System.out.println("per training step (mean of " + steps + " after one warm-up step):");
        perStep.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> System.out.printf("  %-40s %6d%n", e.getKey(), e.getValue()));
        System.out.println("RESULT kernel_launches_per_step " + launches);
    }
}
