package io.medualtime.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.nn.Module;
import io.medualtime.nn.optim.AdamW;
import io.medualtime.nn.optim.LrScheduler;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a killed run continues from: {@code resume.safetensors} in its run folder, rewritten after every epoch.
 * It holds the trainable state and buffers (BatchNorm statistics) of the registered modules, the best epoch's
 * state, the optimizer's moments and step count, the schedule's step, the state of every random generator that
 * shapes training (shuffling, dropout, noise), the epoch, the best validation loss and its epoch, and the metrics
 * so far. It is one file renamed into place in one step ({@link SafetensorsWriter#write}), so a crash leaves the
 * previous epoch's complete state; continuing from it gives the same numbers, bit for bit, as a run that was never
 * interrupted (same thread count).
 *
 * <pre>{@code
 * ResumeState state = new ResumeState().module("model", model).optimizer(opt, sched).rng("shuffle", shuffle);
 * ResumeState.Saved from = state.restore(run);       // null for a new run; else modules, optimizer, generators restored
 * ... after each epoch: state.save(run, new ResumeState.Saved(epoch, best, bestEpoch, bestStates, metrics));
 * }</pre>
 */
public final class ResumeState {
    public static final String FILE = "resume.safetensors";
    private static final String META = "medualtime.resume";
    private static final String SCHEMA = "medualtime-resume/1";
    private static final String BEST = "best.", OPTIMIZER = "optimizer.";

    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final Map<String, Rng> rngs = new LinkedHashMap<>();
    private AdamW optimizer;
    private LrScheduler scheduler;

    /**
     * The state of a run at the end of an epoch.
     *
     * @param epoch     epochs completed (1-based count)
     * @param bestLoss  the lowest validation loss so far (infinite before one was finite)
     * @param bestEpoch its epoch, -1 before
     * @param best      the best epoch's state per registered module name (may be empty)
     * @param metrics   the metrics so far
     */
    public record Saved(int epoch, double bestLoss, int bestEpoch, Map<String, Map<String, Tensor>> best, MetricsFile metrics) {}

    /** The JSON part of the file (the tensors are stored as tensors). */
    private record Meta(String schema, int epoch, double bestLoss, int bestEpoch, List<String> best, Integer optimizerSteps,
            Float lr, Integer schedulerSteps, Map<String, Rng.State> rngs, JsonNode metrics) {}

    /** Registers a module: its state dict and its random generators ({@link Module#namedRngs}). */
    public ResumeState module(String name, Module m) {
        modules.put(name, m);
        m.namedRngs().forEach((k, v) -> rngs.put(name + "." + k, v));
        return this;
    }

    /** Registers a random generator of the protocol (e.g. batch shuffling). */
    public ResumeState rng(String name, Rng rng) {
        rngs.put(name, rng);
        return this;
    }

    /** Registers the optimizer and its schedule ({@code scheduler} may be null). */
    public ResumeState optimizer(AdamW o, LrScheduler s) {
        optimizer = o;
        scheduler = s;
        return this;
    }

    /** Writes {@code resume.safetensors} into {@code run} atomically, then tells the folder's listeners. */
    public void save(RunFolder run, Saved s) {
        SafetensorsWriter w = new SafetensorsWriter();
        modules.forEach((name, m) -> add(w, name + ".", m.stateDict()));
        s.best().forEach((name, state) -> add(w, BEST + name + ".", state));
        Integer steps = null;
        Float lr = null;
        if (optimizer != null) {
            AdamW.State o = optimizer.state();
            for (int i = 0; i < o.firstMoments().length; i++) {
                if (o.firstMoments()[i] == null) continue;
                long[] shape = longs(optimizer.params().get(i).shape());
                w.addFloat(OPTIMIZER + "m." + i, o.firstMoments()[i], shape);
                w.addFloat(OPTIMIZER + "v." + i, o.secondMoments()[i], shape);
            }
            steps = o.steps();
            lr = o.lr();
        }
        Map<String, Rng.State> r = new LinkedHashMap<>();
        rngs.forEach((k, v) -> r.put(k, v.state()));
        Meta meta = new Meta(SCHEMA, s.epoch(), s.bestLoss(), s.bestEpoch(), List.copyOf(s.best().keySet()), steps, lr,
                scheduler == null ? null : scheduler.steps(), r, MetricsJson.mapper().valueToTree(s.metrics()));
        w.putMetadata(META, MetricsJson.write(meta));
        Path file = run.resolve(FILE);
        try {
            w.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        run.checkpointed("epoch " + s.epoch());
    }

    /**
     * Restores the registered modules, optimizer, schedule and generators from {@code run}'s
     * {@code resume.safetensors} and returns the rest; null (and nothing changed) when the run has none. A file
     * that does not fit what is registered is an {@link IllegalArgumentException} naming it.
     */
    public Saved restore(RunFolder run) {
        Path file = run.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            String json = f.metadata().get(META);
            if (json == null) throw new IllegalArgumentException(file + ": not a resume checkpoint (no " + META + " metadata)");
            Meta meta = MetricsJson.read(json, Meta.class);
            if (!SCHEMA.equals(meta.schema()))
                throw new IllegalArgumentException(file + ": unknown format " + meta.schema() + " (expected " + SCHEMA + ")");
            if (!meta.rngs().keySet().equals(rngs.keySet()))
                throw new IllegalArgumentException(
                        file + ": random generators " + meta.rngs().keySet() + " do not match this run's " + rngs.keySet());
            for (Map.Entry<String, Module> e : modules.entrySet()) e.getValue().loadStateDict(read(f, e.getKey() + "."), true);
            Map<String, Map<String, Tensor>> best = new LinkedHashMap<>();
            for (String name : meta.best()) best.put(name, read(f, BEST + name + "."));
            if (optimizer != null) {
                int n = optimizer.params().size();
                float[][] m = new float[n][], v = new float[n][];
                for (int i = 0; i < n; i++) {
                    if (!f.contains(OPTIMIZER + "m." + i)) continue;
                    m[i] = f.readFloat(OPTIMIZER + "m." + i);
                    v[i] = f.readFloat(OPTIMIZER + "v." + i);
                }
                optimizer.restore(new AdamW.State(meta.optimizerSteps(), meta.lr(), m, v));
                if (scheduler != null) scheduler.restore(meta.schedulerSteps());
                optimizer.setLr(meta.lr());
            }
            rngs.forEach((k, v) -> v.restore(meta.rngs().get(k)));
            MetricsFile metrics = MetricsJson.mapper().treeToValue(meta.metrics(), MetricsFile.class);
            return new Saved(meta.epoch(), meta.bestLoss(), meta.bestEpoch(), best, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(file + " does not fit this run: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code run}'s checkpoint (once its run completed). */
    public static void delete(RunFolder run) {
        try {
            Files.deleteIfExists(run.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + run.resolve(FILE), e);
        }
    }

    private static void add(SafetensorsWriter w, String prefix, Map<String, Tensor> state) {
        state.forEach((k, t) -> w.addFloat(prefix + k, t.toArray(), longs(t.shape())));
    }

    private static Map<String, Tensor> read(SafetensorsFile f, String prefix) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (String n : f.names()) if (n.startsWith(prefix)) names.add(n);
        for (String n : names) {
            int[] shape = f.info(n).intShape();
            out.put(n.substring(prefix.length()), Tensor.of(f.readFloat(n), shape.length == 0 ? new int[]{1} : shape).reshape(shape));
        }
        return out;
    }

    private static long[] longs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
