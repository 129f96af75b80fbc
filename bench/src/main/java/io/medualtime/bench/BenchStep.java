package io.medualtime.bench;

import java.util.ArrayList;
import java.util.List;

import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.model.ReportBatch;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

/**
 * The benchmarks' MedualTime training step: a model on a random-weight LM of GPT-2's architecture
 * (NOT pretrained) in train mode on {@code device}, and one synthetic batch - B signals, B reports of
 * {@code reportTokens} random token ids, cached-style text vectors, labels 0, 1, 2, ...
 */
record BenchStep(MedualTime model, Tensor signals, ReportBatch reports, Tensor textVectors, int[] labels) {

    /** GPT-2's architecture with the given sizes and every dropout (embeddings, attention, residual) set to p. */
    static Gpt2Config lm(int vocab, int width, int layers, int heads, int inner, float dropout) {
        Gpt2Config small = Gpt2Config.gpt2();
        return new Gpt2Config("gpt2", vocab, small.nPositions(), width, layers, heads, inner, small.layerNormEpsilon(),
                small.activationFunction(), dropout, dropout, dropout, vocab - 1, vocab - 1, true, false, false, true);
    }

    static BenchStep of(Gpt2Config lm, MedualTimeConfig cfg, int b, int reportTokens, Device device) {
        MedualTime model = new MedualTime(new Gpt2(lm, new Rng(42)), cfg, new Rng(7));
        model.train(true);
        model.to(device);
        Rng rng = new Rng(1);
        Tensor signals = Tensor.randn(rng, b, cfg.leads(), cfg.steps()).to(device);
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            int[] t = new int[reportTokens];
            for (int j = 0; j < reportTokens; j++) t[j] = rng.nextInt(lm.vocabSize() - 1);
            tokens.add(t);
        }
        ReportBatch reports = ReportBatch.pad(tokens, lm.eosTokenId(), lm.nPositions());
        Tensor textVectors = Tensor.randn(rng, b, lm.nEmbd()).to(device);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) labels[i] = i % cfg.classes();
        return new BenchStep(model, signals, reports, textVectors, labels);
    }
}
