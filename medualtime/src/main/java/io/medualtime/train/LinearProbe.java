package io.medualtime.train;

import io.medualtime.nn.Linear;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.nn.optim.LrScheduler;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;

import java.util.List;

/**
 * A linear classifier on frozen embeddings: the head of the few-shot label-transfer protocol and of the linear
 * probes after contrastive pre-training. Adam, StepLR stepped per epoch, mini-batches shuffled per epoch; after
 * every epoch the loss on the whole validation set, and the weights of the epoch with the lowest one are kept.
 */
public final class LinearProbe {
    private LinearProbe() {}

    /**
     * The head's knobs, invalid values refused naming the option. Official few-shot defaults: Adam lr 1e-3,
     * StepLR(50, 0.9), batch 128, 500 epochs.
     */
    public record Options(double lr, int stepSize, double stepGamma, int batchSize, int epochs) {
        public Options {
            Checks.positive("--probe-lr", lr);
            Checks.atLeast("--probe-step", stepSize, 1);
            Checks.inUnitInterval("--probe-gamma", stepGamma);
            Checks.atLeast("--probe-batch-size", batchSize, 1);
            Checks.atLeast("--probe-epochs", epochs, 1);
        }

        public static Options defaults() { return new Options(1e-3, 50, 0.9, 128, 500); }
    }

    /** The selected head's scores on the test embeddings. */
    public record Result(int selectedEpoch, double valLoss, int[] predicted, double[][] probabilities) {}

    /** Fits a head on (xTrain, yTrain), selects by the loss on (xVal, yVal) and scores xTest. */
    public static Result fit(float[][] xTrain, int[] yTrain, float[][] xVal, int[] yVal, float[][] xTest, int classes, Options o,
            long seed) {
        if (xTrain.length == 0) throw new IllegalArgumentException("no training embeddings for the linear probe");
        int d = xTrain[0].length;
        Rng rng = new Rng(seed);
        Linear head = new Linear(d, classes, true, rng);
        List<Tensor> params = head.trainableParameters();
        AdamW opt = AdamW.adam(params, (float) o.lr());
        LrScheduler sched = LrScheduler.step(opt, o.stepSize(), o.stepGamma());
        Tensor val = matrix(xVal), test = matrix(xTest);
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        float[] bestW = null, bestB = null;
        int[] order = new int[xTrain.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            for (int[] idx : Session.batches(order, o.batchSize(), rng)) {
                float[] xb = new float[idx.length * d];
                int[] yb = new int[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(xTrain[idx[i]], 0, xb, i * d, d);
                    yb[i] = yTrain[idx[i]];
                }
                opt.zeroGrad();
                Tensor loss = F.crossEntropy(head.forward(Tensor.wrap(xb, idx.length, d)), yb);
                loss.backward();
                opt.step();
            }
            sched.step();
            double vl;
            try (GradMode g = GradMode.noGrad()) {
                vl = F.crossEntropy(head.forward(val), yVal).item();
            }
            if (vl < best) {
                best = vl;
                bestEpoch = epoch;
                bestW = head.weight.toArray();
                bestB = head.bias.toArray();
            }
        }
        if (bestW == null) throw new IllegalStateException("the linear probe's validation loss was never finite");
        head.loadStateDict(java.util.Map.of("weight", Tensor.of(bestW, head.weight.shape()), "bias", Tensor.of(bestB, head.bias.shape())),
                true);
        Linear selected = head;
        int[] pred = new int[xTest.length];
        double[][] prob = new double[xTest.length][classes];
        try (GradMode g = GradMode.noGrad()) {
            float[] lp = selected.forward(test).logSoftmax(1).toArray();
            for (int i = 0; i < pred.length; i++) {
                int arg = 0;
                for (int c = 0; c < classes; c++) {
                    prob[i][c] = Math.exp(lp[i * classes + c]);
                    if (prob[i][c] > prob[i][arg]) arg = c;
                }
                pred[i] = arg;
            }
        }
        return new Result(bestEpoch, best, pred, prob);
    }

    static Tensor matrix(float[][] rows) {
        int n = rows.length, d = n == 0 ? 0 : rows[0].length;
        float[] a = new float[n * d];
        for (int i = 0; i < n; i++) System.arraycopy(rows[i], 0, a, i * d, d);
        return Tensor.wrap(a, n, d);
    }

    /**
     * K records per class, nested across K as the official code draws them: class c's records are shuffled by a
     * generator seeded {@code base + c} and the first K taken, so for one base the K = 5 set lies inside the K = 10
     * set (official base 42; our generator, so the same structure, not the same records as PyTorch's).
     */
    public static int[] sampleNested(int[] pool, int[] labels, int classes, int k, long base) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) out.addAll(firstK(pool, labels, c, k, new Rng(base + c)));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Class {@code c}'s records of {@code pool} shuffled by {@code rng} (Fisher-Yates), the first {@code k} of them. */
    private static java.util.List<Integer> firstK(int[] pool, int[] labels, int c, int k, Rng rng) {
        java.util.List<Integer> of = new java.util.ArrayList<>();
        for (int i = 0; i < pool.length; i++) if (labels[i] == c) of.add(pool[i]);
        for (int i = of.size() - 1; i > 0; i--) java.util.Collections.swap(of, i, rng.nextInt(i + 1));
        return of.subList(0, Math.min(k, of.size()));
    }

    /** K records per class drawn from {@code pool} without replacement (all of a class that has fewer), one generator for all classes. */
    public static int[] sampleK(int[] pool, int[] labels, int classes, int k, Rng rng) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) out.addAll(firstK(pool, labels, c, k, rng));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
