package io.medualtime.train;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.tensor.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reloads a run folder ({@code run.json} + {@code model.safetensors}) into a {@link Session} in eval mode, after
 * checking that it is rebuilt from what it was trained with: the frozen LM, the text encoder and the dataset are
 * compared with the run's {@link Pins}. A changed LM or text encoder is refused unless
 * {@link Trust#allowChangedWeights()}; a changed dataset in the run's own data folder is refused unless
 * {@link Trust#allowChangedData()}; a dataset in another folder is another dataset, allowed. The session's spec
 * carries the pins of what it really uses, with what is not verified ({@link Pins#unverified()}), for the outputs.
 */
public final class SavedRun {
    private SavedRun() {}

    /** The flags that accept changed inputs, named in the refusals. */
    public static final String ALLOW_WEIGHTS_FLAG = "--allow-changed-weights", ALLOW_DATA_FLAG = "--allow-changed-data";

    /** Which changes a reload accepts (each one is then recorded in the session's pins). */
    public record Trust(boolean allowChangedWeights, boolean allowChangedData) {
        /** Nothing changed is accepted. */
        public static final Trust STRICT = new Trust(false, false);
    }

    /**
     * Folders that replace the run's recorded LM and text-encoder folders (a moved or copied run); null keeps the
     * recorded one. Their content is checked against the run's pins like the recorded folders'.
     */
    public record Folders(Path lm, Path bert) {
        /** The folders run.json records. */
        public static final Folders RECORDED = new Folders(null, null);
    }

    /** The spec of a run folder. */
    public static ModelSpec spec(Path runDir) throws IOException { return ModelSpec.read(runDir); }

    /** {@link #open(Path, Dataset, Device, Trust, PrintStream)} with {@link Trust#STRICT}, warnings on stderr. */
    public static Session open(Path runDir, Dataset data, Device device) throws IOException {
        return open(runDir, data, device, Trust.STRICT, System.err);
    }

    /**
     * Rebuilds the model of {@code runDir}, checks its inputs against the run's pins, loads its checkpoint (names and
     * shapes checked before any tensor is read; NaN / Inf refused) and binds it to {@code data}.
     *
     * @param log where warnings go (an unpinned run, an accepted change, another dataset)
     * @throws IllegalStateException a refused change, naming what changed and the flag that accepts it
     */
    public static Session open(Path runDir, Dataset data, Device device, Trust trust, PrintStream log) throws IOException {
        return open(runDir, data, device, trust, Folders.RECORDED, log);
    }

    /**
     * {@link #open(Path, Dataset, Device, Trust, PrintStream)} with the LM and text encoder read from {@code folders}
     * where given.
     *
     * @throws IllegalArgumentException a folder given for a part the run does not load from a folder
     */
    public static Session open(Path runDir, Dataset data, Device device, Trust trust, Folders folders, PrintStream log) throws IOException {
        ModelSpec spec = overridden(runDir, ModelSpec.read(runDir), folders);
        Path ckpt = runDir.resolve(ModelSpec.CHECKPOINT);
        if (!Files.isRegularFile(ckpt))
            throw new NoSuchFileException(ckpt.toString(), null, "the run has no checkpoint (did training finish an epoch?)");
        List<String> expected = spec.labelKind().classNames(data);
        if (!expected.equals(spec.classNames()))
            throw new IllegalStateException(
                    runDir.resolve(ModelSpec.FILE) + ": classNames " + spec.classNames() + " differ from the dataset's "
                            + spec.label() + " classes " + expected);
        Check check = new Check(runDir, spec, trust, log);

        Fingerprint lm = spec.lmFolder() == null ? null : Fingerprint.ofModelFolder(folder(spec.lmFolder(), "GPT-2 folder"));
        Fingerprint text = spec.textEncoderFolder() == null
                ? null
                : Fingerprint.ofModelFolder(folder(spec.textEncoderFolder(), "BERT folder"));
        if (lm != null) check.weights(Pins.LM, "the frozen LM in " + spec.lmFolder(), p -> p.lm(), lm);
        if (text != null) check.weights(Pins.TEXT_ENCODER, "the text encoder in " + spec.textEncoderFolder(), p -> p.textEncoder(), text);
        Path dataFolder = data instanceof DiskDataset d ? d.folder().toAbsolutePath().normalize() : null;
        Fingerprint dataPrint = dataFolder == null ? null : Fingerprint.ofDataset(dataFolder);
        check.data(dataFolder, dataPrint);

        ModelSpec.Built built = spec.build();
        if (lm == null) {
            lm = Fingerprint.ofWeights(built.model().lm);
            check.weights(Pins.LM, "the random-init LM generated from run.json's sizes and seed", p -> p.lm(), lm);
        } else stillSame(spec.lmFolder(), lm);
        if (text != null) stillSame(spec.textEncoderFolder(), text);
        MedualTimeCheckpoint.load(built.model(), ckpt);

        Pins now = new Pins(lm, text, dataPrint, dataFolder == null ? null : dataFolder.toString(), check.unverified);
        Session s = new Session(spec.withPins(now), built, data, device);
        s.model.eval();
        return s;
    }

    private static ModelSpec overridden(Path runDir, ModelSpec spec, Folders f) {
        if (f.lm() != null && spec.lmFolder() == null)
            throw new IllegalArgumentException(
                    "--lm " + f.lm() + ": the run " + runDir + " uses a random-init LM generated from run.json, not an LM folder");
        if (f.bert() != null && spec.textEncoderFolder() == null)
            throw new IllegalArgumentException(
                    "--bert " + f.bert() + ": the run " + runDir + " takes its report vectors from the LM, not from a BERT folder");
        return spec.withFolders(f.lm() == null ? null : f.lm().toAbsolutePath().normalize().toString(),
                f.bert() == null ? null : f.bert().toAbsolutePath().normalize().toString());
    }

    /** Compares each input with its pin and collects what is not verified. */
    private static final class Check {
        final Path runDir;
        final Pins pinned;
        final Trust trust;
        final PrintStream log;
        final List<String> unverified = new ArrayList<>();

        Check(Path runDir, ModelSpec spec, Trust trust, PrintStream log) {
            this.runDir = runDir;
            this.pinned = spec.pins();
            this.trust = trust;
            this.log = log;
            if (pinned == null) {
                log.println("warning: " + runDir.resolve(ModelSpec.FILE) + " has no fingerprints (written before runs were pinned): "
                        + "the LM, text encoder and data it is rebuilt from cannot be verified; the outputs say so");
                unverified.addAll(
                        spec.textEncoderFolder() == null ? List.of(Pins.LM, Pins.DATA) : List.of(Pins.LM, Pins.TEXT_ENCODER, Pins.DATA));
            }
        }

        void weights(String part, String what, java.util.function.Function<Pins, Fingerprint> pin, Fingerprint now) {
            if (pinned == null) return;
            Fingerprint was = pin.apply(pinned);
            if (now.sameAs(was)) return;
            String change = what + (was == null
                    ? " was not pinned when the run was trained"
                    : " changed since the run was trained (" + was.differences(now) + ")");
            if (!trust.allowChangedWeights())
                throw new IllegalStateException(runDir + ": " + change + "; pass " + ALLOW_WEIGHTS_FLAG + " to use it anyway");
            log.println("warning: " + change + "; used as it is now (" + ALLOW_WEIGHTS_FLAG + "), recorded in the outputs");
            unverified.add(part);
        }

        void data(Path folder, Fingerprint now) {
            if (pinned == null) return;
            if (now != null && now.sameAs(pinned.data())) return;
            Path trained = pinned.dataFolder() == null ? null : Path.of(pinned.dataFolder());
            if (folder != null && trained != null && now != null && pinned.data() != null && sameFile(folder, trained)) {
                String change = "the dataset in " + folder + " changed since the run was trained (" + pinned.data().differences(now) + ")";
                if (!trust.allowChangedData())
                    throw new IllegalStateException(runDir + ": " + change + "; pass " + ALLOW_DATA_FLAG + " to use it anyway");
                log.println("warning: " + change + "; used as it is now, recorded in the outputs");
            } else {
                log.println("note: " + (folder == null ? "the data" : folder) + " is not the data the run was trained on"
                        + (trained == null ? "" : " (" + trained + ")") + "; the outputs record its fingerprint");
            }
            unverified.add(Pins.DATA);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static Path folder(String name, String what) throws NoSuchFileException {
        Path dir = Path.of(name);
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(name, null, what + " of the run not found");
        return dir;
    }

    /** The folder's files did not change while the model was built from them. */
    private static void stillSame(String folder, Fingerprint before) throws IOException {
        if (!Fingerprint.ofModelFolder(Path.of(folder)).sameAs(before))
            throw new IOException(folder + ": changed while the model was loaded from it; retry once nothing writes to it");
    }

    /**
     * Refuses scores that are not finite (a NaN / Inf weight or input would give NaN probabilities and a made-up
     * argmax), naming the first record affected; call it before anything is printed or written.
     */
    public static void requireFinite(Path runDir, Dataset data, Session.Scores sc) {
        for (int i = 0; i < sc.probabilities().length; i++)
            for (double p : sc.probabilities()[i])
                if (!Double.isFinite(p))
                    throw new IllegalStateException(
                            runDir + ": the model's class probabilities for record '" + data.id(sc.indices()[i]) + "' are " + p
                                    + " (a weight of the LM or text encoder, or the record's signal, is not finite); nothing was written");
        if (sc.embeddings() != null)
            for (int i = 0; i < sc.embeddings().length; i++)
                for (float v : sc.embeddings()[i])
                    if (!Float.isFinite(v))
                        throw new IllegalStateException(runDir + ": the embedding of record '" + data.id(sc.indices()[i]) + "' holds " + v
                                + "; nothing was written");
        if (sc.indices().length > 0 && sc.labelled() && !Double.isFinite(sc.loss()))
            throw new IllegalStateException(
                    runDir + ": the loss is " + sc.loss() + " (a weight or an input is not finite); nothing was written");
    }

    /** The dataset folder the run was trained on (from its metrics.json, else its run.json; a relative one is in the run folder), or null. */
    public static Path dataFolder(Path runDir) {
        try {
            Map<String, Object> cfg = RunFolder.readMetrics(runDir).config();
            Object f = cfg.get("data_folder");
            if (f != null) return Path.of(RunPaths.resolved(runDir, f.toString()));
        } catch (RuntimeException e) {
            // no or unreadable metrics.json: try run.json
        }
        try {
            Pins p = ModelSpec.read(runDir).pins();
            return p == null || p.dataFolder() == null ? null : Path.of(p.dataFolder());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
