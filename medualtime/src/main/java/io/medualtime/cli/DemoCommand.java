package io.medualtime.cli;

import io.medualtime.nn.Linear;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * The embedded default job. Until the MedualTime model and data land, it trains a small MLP on a
 * synthetic two-spirals problem with the library, printing the loss and accuracy.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the embedded default job (no downloads needed).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--steps", defaultValue = "300") int steps;

    @Override public Integer call() {
        System.out.println(Main.backendLine());
        System.out.println("Demo: MLP on SYNTHETIC two-spirals data (2 classes, 1000 points)");
        Rng rng = new Rng(seed);
        int n = 1000;
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double r = (i / 2) / (double) (n / 2), a = 4 * Math.PI * r + c * Math.PI;
            x[2 * i] = (float) (r * Math.cos(a) + 0.03 * rng.normal());
            x[2 * i + 1] = (float) (r * Math.sin(a) + 0.03 * rng.normal());
            y[i] = c;
        }
        Tensor input = Tensor.of(x, n, 2);
        Linear l1 = new Linear(2, 64, true, rng), l2 = new Linear(64, 64, true, rng), l3 = new Linear(64, 2, true, rng);
        java.util.List<Tensor> params = new java.util.ArrayList<>();
        params.addAll(l1.trainableParameters());
        params.addAll(l2.trainableParameters());
        params.addAll(l3.trainableParameters());
        AdamW opt = new AdamW(params, 0.01f, 0.9f, 0.999f, 1e-8f, 0f);
        for (int step = 1; step <= steps; step++) {
            opt.zeroGrad();
            Tensor logits = l3.forward(l2.forward(l1.forward(input).tanh()).tanh());
            Tensor loss = F.crossEntropy(logits, y);
            loss.backward();
            opt.step();
            if (step % 50 == 0 || step == 1) {
                float[] l = logits.toArray();
                int correct = 0;
                for (int i = 0; i < n; i++) if ((l[2 * i + 1] > l[2 * i] ? 1 : 0) == y[i]) correct++;
                System.out.printf("step %4d  loss %.4f  train accuracy %.3f%n", step, loss.item(), correct / (double) n);
            }
        }
        return 0;
    }
}
