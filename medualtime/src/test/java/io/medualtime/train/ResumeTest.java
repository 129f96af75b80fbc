package io.medualtime.train;

import io.medualtime.data.Dataset;
import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run interrupted after an epoch's checkpoint and continued in a new session (a new model, optimizer and
 * generators, as a new process would build them) ends bit for bit as the run that was never interrupted: the same
 * model.safetensors bytes and the same metrics.json but for wall-clock times. The tiny model trains with dropout
 * (adapters and LM), so every generator's state matters.
 */
class ResumeTest {
    static Dataset data;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** Thrown by a checkpoint listener: the run stops right after that checkpoint, like a kill. */
    static final class Interrupted extends RuntimeException {
        Interrupted() { super("interrupted (test)"); }
    }

    @BeforeAll static void tinyData() {
        System.setProperty("medualtime.progress", "off");
        data = SyntheticEcg.generate(SyntheticConfig.DEFAULT.withSizes(24, 12, 12).withSampling(50, 10));
    }

    static Session session(String kind, LabelKind label, Mode mode, long seed) throws Exception {
        List<String> names = label.classNames(data);
        MedualTimeConfig cfg = MedualTimeConfig.defaults(names.size()).withAdapterLayers(1).withAdapterTokens(2)
                .withSignal(data.leads(), data.steps()).withDropout(0.2f).withTemEncWidth(4);
        ModelSpec spec = new ModelSpec(kind, null, new ModelSpec.RandomLm(Gpt2Tokenizer.GPT2_VOCAB_SIZE, 1024, 32, 1, 2, seed), "gpt2",
                null,
                ModelSpec.ModelConfig.of(cfg), label.cliName(), names, mode.cliName(), seed, null);
        return new Session(spec, spec.build(), data, Device.CPU);
    }

    static MetricsFile metrics() { return new MetricsFile().command("test").seed(5).createdAt("2025-01-01T00:00:00Z"); }

    static RunFolder interruptedAt(Path dir, Set<String> at) {
        return RunFolder.at(dir).onCheckpoint(what -> { if (at.contains(what)) throw new Interrupted(); });
    }

    static SupervisedTrainer.Options SUPERVISED = new SupervisedTrainer.Options(4, 8, 3e-3, 0.01, 0.8, 16);

    static void supervised(RunFolder run) throws Exception { supervised(run, SUPERVISED); }

    static void supervised(RunFolder run, SupervisedTrainer.Options o) throws Exception {
        SupervisedTrainer.train(session("supervised", LabelKind.FINE, Mode.DUAL, 5), o, 5, run, metrics(), QUIET);
    }

    /** Step decay (its state is the epoch count) and last-epoch selection continue as if never interrupted. */
    @Test void stepScheduleAndLastSelectionContinueBitIdentical(@TempDir Path tmp) throws Exception {
        SupervisedTrainer.Options o = new SupervisedTrainer.Options(4, 8, 3e-3, 0.01, Schedule.step(2, 0.5), Selection.LAST, 16);
        supervised(RunFolder.at(tmp.resolve("straight")), o);
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> supervised(interruptedAt(dir, Set.of("epoch 3")), o));
        supervised(RunFolder.at(dir), o);
        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT, ModelSpec.FILE);
        MetricsFile m = RunFolder.readMetrics(dir);
        assertEquals(List.of((double) 3e-3f, (double) 3e-3f, (double) 1.5e-3f, (double) 1.5e-3f),
                m.history().stream().map(MetricsFile.Epoch::lr).toList());
        assertEquals(4, m.selectedEpoch());
        assertEquals(Selection.LAST.criterion(), m.selectionCriterion());
    }

    @Test void supervisedRunContinuedTwiceEndsBitIdentical(@TempDir Path tmp) throws Exception {
        supervised(RunFolder.at(tmp.resolve("straight")));
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> supervised(interruptedAt(dir, Set.of("epoch 1"))));
        assertTrue(Files.isRegularFile(dir.resolve(ResumeState.FILE)));
        assertEquals(MetricsFile.FAILED, RunFolder.readMetrics(dir).status());
        assertThrows(Interrupted.class, () -> supervised(interruptedAt(dir, Set.of("epoch 3"))));
        supervised(RunFolder.at(dir));

        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT, ModelSpec.FILE);
        MetricsFile m = RunFolder.readMetrics(dir);
        assertEquals(MetricsFile.COMPLETED, m.status());
        assertNull(m.error());
        assertEquals(4, m.history().size());
        assertFalse(Files.exists(dir.resolve(ResumeState.FILE)), "a completed run keeps no resume checkpoint");
    }

    /** Killed after the last epoch's checkpoint, during the final evaluation: it evaluates again, nothing trains. */
    @Test void supervisedRunInterruptedAfterItsLastEpochOnlyEvaluates(@TempDir Path tmp) throws Exception {
        supervised(RunFolder.at(tmp.resolve("straight")));
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> supervised(interruptedAt(dir, Set.of("epoch 4"))));
        supervised(RunFolder.at(dir).onCheckpoint(what -> fail("no epoch should train again, got " + what)));
        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT);
    }

    static PretrainTrainer.Options PRETRAIN = new PretrainTrainer.Options(3, 8, 2e-3, 0.1, 0.1, 0.4, 0.5);

    static void pretrain(RunFolder run) throws Exception { pretrain(run, PRETRAIN); }

    static void pretrain(RunFolder run, PretrainTrainer.Options o) throws Exception {
        PretrainTrainer.train(session("pretrain", LabelKind.FINE, Mode.DUAL, 6), o, 6, run, metrics(), QUIET);
    }

    @Test void pretrainWithStepDecayAndLastSelectionContinuesBitIdentical(@TempDir Path tmp) throws Exception {
        PretrainTrainer.Options o = new PretrainTrainer.Options(3, 8, 2e-3, 0.1, 0.1, 0.4, 0.5, Schedule.step(1, 0.5), Selection.LAST);
        pretrain(RunFolder.at(tmp.resolve("straight")), o);
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> pretrain(interruptedAt(dir, Set.of("epoch 2")), o));
        pretrain(RunFolder.at(dir), o);
        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT, PretrainTrainer.HEADS_FILE);
        MetricsFile m = RunFolder.readMetrics(dir);
        assertEquals(List.of((double) 2e-3f, (double) 1e-3f, (double) 5e-4f), m.history().stream().map(MetricsFile.Epoch::lr).toList());
    }

    @Test void pretrainRunContinuedEndsBitIdentical(@TempDir Path tmp) throws Exception {
        pretrain(RunFolder.at(tmp.resolve("straight")));
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> pretrain(interruptedAt(dir, Set.of("epoch 2"))));
        pretrain(RunFolder.at(dir));
        SameRun.assertSameRun(tmp.resolve("straight"), dir, ModelSpec.CHECKPOINT, PretrainTrainer.HEADS_FILE);
    }

    static List<TransferTrainer.Shot> transfer(RunFolder run) throws Exception { return transfer(run, TransferTrainer.Draws.DEFAULT); }

    static List<TransferTrainer.Shot> transfer(RunFolder run, TransferTrainer.Draws draws) throws Exception {
        Session s = session("transfer", LabelKind.COARSE, Mode.DUAL, 7);
        s.model.freeze();
        return TransferTrainer.run(s, List.of(2, 3, 4), new LinearProbe.Options(1e-2, 5, 0.9, 8, 6), draws, 7, run, metrics(), QUIET);
    }

    @Test void transferWithRepeatedDrawsContinuesWithTheNextK(@TempDir Path tmp) throws Exception {
        TransferTrainer.Draws draws = new TransferTrainer.Draws(true, 2);
        RunFolder straight = RunFolder.at(tmp.resolve("straight"));
        List<TransferTrainer.Shot> want = transfer(straight, draws);
        straight.writeMetrics(RunFolder.readMetrics(straight.dir()));
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> transfer(interruptedAt(dir, Set.of("epoch 2")), draws));
        List<TransferTrainer.Shot> got = transfer(RunFolder.at(dir), draws);
        assertEquals(want.stream().map(TransferTrainer.Shot::repeats).toList(), got.stream().map(TransferTrainer.Shot::repeats).toList());
        assertEquals(2, got.get(0).repeats().runs().size(), "the first Ks' spreads are read back from the checkpoint");
        SameRun.assertSameRun(tmp.resolve("straight"), dir);
    }

    @Test void transferContinuesWithTheNextK(@TempDir Path tmp) throws Exception {
        RunFolder straight = RunFolder.at(tmp.resolve("straight"));
        List<TransferTrainer.Shot> want = transfer(straight);
        straight.writeMetrics(RunFolder.readMetrics(straight.dir()));
        Path dir = tmp.resolve("resumed");
        assertThrows(Interrupted.class, () -> transfer(interruptedAt(dir, Set.of("epoch 1"))));
        List<TransferTrainer.Shot> got = transfer(RunFolder.at(dir));
        assertEquals(want.stream().map(s -> s.test().report().accuracy()).toList(),
                got.stream().map(s -> s.test().report().accuracy()).toList());
        assertEquals(want.get(0).test(), got.get(0).test(), "the first K is read back from the checkpoint");
        SameRun.assertSameRun(tmp.resolve("straight"), dir);
    }
}
