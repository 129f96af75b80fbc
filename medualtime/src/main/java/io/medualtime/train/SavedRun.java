package io.medualtime.train;

import io.medualtime.data.Dataset;
import io.medualtime.model.MedualTimeCheckpoint;
import io.medualtime.tensor.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reloads a run folder ({@code run.json} + {@code model.safetensors}) into a {@link Session} in eval mode. */
public final class SavedRun {
    private SavedRun() {}

    /** The spec of a run folder. */
    public static ModelSpec spec(Path runDir) throws IOException { return ModelSpec.read(runDir); }

    /** Rebuilds the model of {@code runDir}, loads its checkpoint, and binds it to {@code data}. */
    public static Session open(Path runDir, Dataset data, Device device) throws IOException {
        ModelSpec spec = ModelSpec.read(runDir);
        Path ckpt = runDir.resolve(ModelSpec.CHECKPOINT);
        if (!Files.isRegularFile(ckpt)) throw new NoSuchFileException(ckpt.toString(), null, "the run has no checkpoint (did training finish an epoch?)");
        ModelSpec.Built built = spec.build();
        MedualTimeCheckpoint.load(built.model(), ckpt);
        Session s = new Session(spec, built, data, device);
        s.model.eval();
        return s;
    }

    /** The dataset folder the run was trained on (from its metrics.json), or null. */
    public static Path dataFolder(Path runDir) {
        try {
            Map<String, Object> cfg = RunFolder.readMetrics(runDir).config();
            Object f = cfg.get("data_folder");
            return f == null ? null : Path.of(f.toString());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
