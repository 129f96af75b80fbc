package io.medualtime.report;

import io.medualtime.train.MetricsFile;
import io.medualtime.train.ModelSpec;
import io.medualtime.train.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One run folder as the report reads it: its {@code metrics.json} (required) and {@code run.json} (null when the
 * run has none, e.g. a transfer run, whose model is its base run's).
 *
 * @param name    how the page names the run (the folder name, or the demo's mode)
 * @param dir     the run folder
 * @param metrics its metrics.json
 * @param spec    its run.json, or null
 */
record RunView(String name, Path dir, MetricsFile metrics, ModelSpec spec) {

    static RunView load(Path dir, String name) throws IOException {
        MetricsFile m = RunFolder.readMetrics(dir);
        ModelSpec spec = Files.isRegularFile(dir.resolve(ModelSpec.FILE)) ? ModelSpec.read(dir) : null;
        return new RunView(name, dir, m, spec);
    }

    /** The run's base run (transfer), or null. */
    Path baseRun() {
        Object b = metrics.config().get("base_run");
        return b == null ? null : Path.of(io.medualtime.train.RunPaths.resolved(dir, b.toString()));
    }

    /** The dataset folder the run used (its own record, else its base run's), or null when neither says. */
    Path dataFolder() throws IOException {
        Object f = metrics.config().get("data_folder");
        if (f != null) return Path.of(io.medualtime.train.RunPaths.resolved(dir, f.toString()));
        Path base = baseRun();
        return base != null && Files.isRegularFile(base.resolve(RunFolder.METRICS_FILE)) ? load(base, "base").dataFolder() : null;
    }

    boolean isPretrain() { return "pretrain".equals(metrics.command()) || spec != null && "pretrain".equals(spec.kind()); }

    boolean isTransfer() { return metrics.extra().containsKey("fewShot"); }

    /** A supervised run with a checkpoint the report can predict with. */
    boolean canPredict() {
        return spec != null && "supervised".equals(spec.kind()) && Files.isRegularFile(dir.resolve(ModelSpec.CHECKPOINT));
    }
}
