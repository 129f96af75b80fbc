package io.medualtime.train;

import io.medualtime.model.BertDropoutVectorsTest;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** BERT report vectors recomputed with dropout: a resumed run continues BERT's dropout draws and ends bit for bit as an uninterrupted one. */
class RecomputedVectorsResumeTest {
    static Path bert;

    @BeforeAll static void setUp(@TempDir Path tmp) throws Exception {
        ResumeTest.tinyData();
        bert = BertDropoutVectorsTest.bertWithDropout(tmp.resolve("bert"));
    }

    static Session session() throws Exception {
        List<String> names = LabelKind.FINE.classNames(ResumeTest.data);
        MedualTimeConfig cfg = MedualTimeConfig.defaults(names.size()).withAdapterLayers(1).withAdapterTokens(2)
                .withSignal(ResumeTest.data.leads(), ResumeTest.data.steps()).withTemEncWidth(4)
                .withTextEncoder(MedualTimeConfig.TextEncoderKind.DISTILBERT);
        ModelSpec spec = new ModelSpec("supervised", null, new ModelSpec.RandomLm(Gpt2Tokenizer.GPT2_VOCAB_SIZE, 1024, 32, 1, 2, 5), "bert",
                bert.toString(), ModelSpec.ModelConfig.of(cfg), "fine", names, "dual", 5, null);
        Session s = new Session(spec, spec.build(), ResumeTest.data, Device.CPU);
        s.recomputeTextVectors(5);
        return s;
    }

    static void train(RunFolder run) throws Exception {
        SupervisedTrainer.train(session(), ResumeTest.SUPERVISED, 5, run, ResumeTest.metrics(), ResumeTest.QUIET);
    }

    @Test void resumedRunWithRecomputedVectorsEndsBitIdentical(@TempDir Path tmp) throws Exception {
        assertFalse(session().textDropoutRngs().isEmpty());
        train(RunFolder.at(tmp.resolve("straight")));
        Path dir = tmp.resolve("resumed");
        assertThrows(ResumeTest.Interrupted.class, () -> train(ResumeTest.interruptedAt(dir, Set.of("epoch 2"))));
        train(RunFolder.at(dir));
        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT, ModelSpec.FILE);
    }
}
