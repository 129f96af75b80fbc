package io.medualtime.model;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;

import java.nio.file.Path;

/**
 * The medualtime-tiny fixture of tools/reference/medualtime_ref.py: a 3-layer GPT-2 (d 64, 4 heads,
 * vocab 1000, eos = pad = 999), M = 2 adapter layers, K = 3 tokens, 4 leads x 100 steps, 5 classes,
 * dropout 0; trainables + BN stats in trainable.safetensors; 3 samples.
 */
final class TinyFixture implements AutoCloseable {
    static final MedualTimeConfig CONFIG = new MedualTimeConfig(2, 3, 25, 25, 4, 100, 5, 0f, MedualTimeConfig.TextEncoderKind.GPT2);

    final Path dir = Fixtures.resource(TinyFixture.class, "medualtime-tiny");
    final SafetensorsFile expected, inputs;
    final Tensor signals;
    final ReportBatch reports;
    final int[] labels;

    TinyFixture() throws Exception {
        expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        signals = Fixtures.tensor(inputs, "signals");
        reports = ReportBatch.fromPadded(inputs.readInt("report_ids"), inputs.readInt("report_mask"), 3, 10);
        labels = inputs.readInt("labels");
    }

    /** A fresh model (LM + trainables + BN stats of the fixture), in train mode. */
    MedualTime model() throws Exception {
        return model(false);
    }

    /** The same with every matrix of the LM left read-only in its memory-mapped file. */
    MedualTime model(boolean mappedLm) throws Exception {
        Gpt2 lm = mappedLm ? Gpt2Loader.load(dir.resolve("lm"), 0L) : Gpt2Loader.load(dir.resolve("lm"));
        MedualTime m = new MedualTime(lm, CONFIG, new Rng(1));
        MedualTimeCheckpoint.load(m, dir.resolve("trainable.safetensors"));
        return m;
    }

    /** c_text: the default text vector (frozen GPT-2, last real token after ln_f). */
    Tensor textVectors(MedualTime m) {
        return new FrozenGpt2TextEncoder(m.lm, null, 8).encodeIds(reports);
    }

    Tensor exp(String name) throws Exception { return Fixtures.tensor(expected, name); }

    @Override public void close() throws Exception {
        expected.close();
        inputs.close();
    }
}
