package io.medualtime.train;

import io.medualtime.data.DatasetInfo;
import io.medualtime.data.EcgRecord;
import io.medualtime.data.InMemoryDataset;
import io.medualtime.data.Split;
import io.medualtime.model.MedualTime;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.model.MedualTimeConfig;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.tokenizer.Tokenizer;
import io.medualtime.tensor.Device;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our trainers against a PyTorch run of the authors' training loops (tools/reference/official_loops.py): the same
 * tiny data, initial weights (fixtures/medualtime-tiny), batch order, noise and official settings give the same
 * learning rate per epoch (exactly), and the same per-epoch training loss (the batch-size-weighted mean of the epoch's
 * steps) and validation loss, for the supervised protocol (AdamW, ExponentialLR 0.5, 3 epochs x 3 steps), transfer
 * stage 1 (coarse label, StepLR(5, 0.3), 6 epochs x 3 steps: the decay at epoch 6 shows) and contrastive pre-training
 * (Adam, StepLR(20, 0.5), lambda from epoch 4, 21 epochs x 1 step: the decay at epoch 21 shows).
 *
 * <p>Tolerances, as max |ours - PyTorch| / max(1, max |PyTorch|) over the epochs: the first epoch's training loss
 * within {@value #FIRST_EPOCH_TOL} (measured below 1e-6: the loss before any update, then two Adam steps); every
 * epoch within {@value #TRAJECTORY_TOL}. Adam's per-element normalisation turns last-bit differences of tiny
 * gradients into whole-step differences, so trajectories drift apart at float32 precision: PyTorch's own float32
 * run differs from its float64 run by up to 5.8e-4 on these loops (official_loops.py prints it), and ours from
 * PyTorch's float32 run by up to 4.2e-4 (tools/reference/README.md). A wrong loss, projection head or schedule
 * shows at 5e-3 or more (the projection head that had its residual on the input: 7e-2 at the first step).
 */
class OfficialLoopsTest {
    static final double FIRST_EPOCH_TOL = 1e-5, TRAJECTORY_TOL = 2e-3;
    static final long SEED = 7;   // official_loops.py SEED: its replica of our generators is seeded as the trainers seed theirs
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static final Path TINY = Fixtures.resource(OfficialLoopsTest.class, "medualtime-tiny");
    static final Path DIR = Fixtures.resource(OfficialLoopsTest.class, "official-loops");

    /** The fixture's reports are token ids written as text: "12 7 431". */
    static final Tokenizer IDS = new Tokenizer() {
        @Override public int[] encode(String text) { return Arrays.stream(text.split(" ")).mapToInt(Integer::parseInt).toArray(); }
        @Override public String decode(int[] ids) {
            return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        }
        @Override public int vocabSize() { return 1000; }
    };

    static InMemoryDataset data;
    static SafetensorsFile expected;

    @BeforeAll static void load() throws Exception {
        System.setProperty("medualtime.progress", "off");
        List<EcgRecord> records = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(DIR.resolve("data.safetensors"))) {
            for (Split split : List.of(Split.TRAIN, Split.VAL, Split.TEST)) {
                String s = split.diskName() + "/";
                float[] sig = f.readFloat(s + "signals");
                int[] ids = f.readInt(s + "report_ids"), mask = f.readInt(s + "report_mask"), fine = f.readInt(s + "fine");
                int n = fine.length, len = ids.length / n, per = sig.length / n, steps = per / 4;
                for (int r = 0; r < n; r++) {
                    List<String> tokens = new ArrayList<>();
                    for (int t = 0; t < len; t++) if (mask[r * len + t] == 1) tokens.add(Integer.toString(ids[r * len + t]));
                    float[][] signal = new float[4][];
                    for (int l = 0; l < 4; l++) signal[l] = Arrays.copyOfRange(sig, r * per + l * steps, r * per + (l + 1) * steps);
                    records.add(new EcgRecord(s + r, split, fine[r], String.join(" ", tokens), signal));
                }
            }
        }
        data = new InMemoryDataset(
                new DatasetInfo("official-loops", "SYNTHETIC: official_loops.py", true, List.of("a", "b", "c", "d"), 100, 10), records);
        expected = SafetensorsFile.open(DIR.resolve("trajectories.safetensors"));
    }

    /** A session on the fixture's LM and initial weights (the coarse head: the first 4 rows of the 5-class one). */
    static Session session(String kind, LabelKind label) throws Exception {
        List<String> names = label.classNames(data);
        Gpt2 lm = Gpt2Loader.load(TINY.resolve("lm"));
        MedualTimeConfig cfg5 = new MedualTimeConfig(2, 3, 25, 25, 4, 100, 5, 0f, MedualTimeConfig.TextEncoderKind.GPT2);
        MedualTime m = new MedualTime(lm, cfg5, new Rng(1));
        MedualTimeCheckpoint.load(m, TINY.resolve("trainable.safetensors"));
        MedualTimeConfig cfg = cfg5;
        if (names.size() != 5) {
            Map<String, Tensor> state = Session.snapshot(m);
            int d = lm.config.nEmbd(), c = names.size();
            state.put("head.weight", Tensor.of(Arrays.copyOf(state.get("head.weight").toArray(), c * d), c, d));
            state.put("head.bias", Tensor.of(Arrays.copyOf(state.get("head.bias").toArray(), c), c));
            cfg = new MedualTimeConfig(2, 3, 25, 25, 4, 100, c, 0f, MedualTimeConfig.TextEncoderKind.GPT2);
            m = new MedualTime(lm, cfg, new Rng(1));
            m.loadStateDict(state, true);
        }
        ModelSpec spec = new ModelSpec(kind, TINY.resolve("lm").toString(), null, "gpt2", null, ModelSpec.ModelConfig.of(cfg),
                label.cliName(), names, Mode.DUAL.cliName(), SEED, null);
        return new Session(spec, new ModelSpec.Built(m, IDS, m.textEncoder(IDS, null)), data, Device.CPU);
    }

    @AfterAll static void close() throws Exception { expected.close(); }

    static MetricsFile metrics() { return new MetricsFile().command("test").seed(SEED); }

    static void assertTrajectory(String run, List<MetricsFile.Epoch> history) throws Exception {
        float[] train = expected.readFloat(run + "/train_loss"), val = expected.readFloat(run + "/val_loss"),
                lr = expected.readFloat(run + "/lr");
        assertEquals(train.length, history.size(), run + ": epochs");
        float[] gotTrain = new float[train.length], gotVal = new float[train.length], gotLr = new float[train.length];
        for (int e = 0; e < train.length; e++) {
            gotTrain[e] = (float) history.get(e).trainLoss();
            gotVal[e] = history.get(e).valLoss().floatValue();
            gotLr[e] = history.get(e).lr().floatValue();
        }
        Fixtures.assertClose(run + " learning rate per epoch", lr, gotLr, 1e-7);
        Fixtures.assertClose(run + " training loss of epoch 1", new float[]{train[0]}, new float[]{gotTrain[0]}, FIRST_EPOCH_TOL);
        Fixtures.assertClose(run + " training loss per epoch", train, gotTrain, TRAJECTORY_TOL);
        Fixtures.assertClose(run + " validation loss per epoch", val, gotVal, TRAJECTORY_TOL);
    }

    @Test void supervisedMatchesTheOfficialLoop(@TempDir Path tmp) throws Exception {
        var o = new SupervisedTrainer.Options(3, 3, 1e-3, 0.01, Schedule.exponential(0.5), Selection.BEST, 64);
        var r = SupervisedTrainer.train(session("supervised", LabelKind.FINE), o, SEED, RunFolder.at(tmp), metrics(), QUIET);
        assertTrajectory("supervised", r.metrics().history());
    }

    @Test void transferStageOneMatchesTheOfficialLoop(@TempDir Path tmp) throws Exception {
        var o = new SupervisedTrainer.Options(6, 3, 1e-3, 0.01, Schedule.step(5, 0.3), Selection.BEST, 64);
        var r = SupervisedTrainer.train(session("transfer", LabelKind.COARSE), o, SEED, RunFolder.at(tmp), metrics(), QUIET);
        assertTrajectory("transfer1", r.metrics().history());
    }

    @Test void pretrainingMatchesTheOfficialLoop(@TempDir Path tmp) throws Exception {
        var o = new PretrainTrainer.Options(21, 9, 1e-3, 0.1, 0.1, 0.1, 0.5, Schedule.step(20, 0.5), Selection.BEST);
        MetricsFile m = metrics();
        PretrainTrainer.train(session("pretrain", LabelKind.FINE), o, SEED, RunFolder.at(tmp), m, QUIET);
        assertTrajectory("pretrain", m.history());
    }
}
