package io.medualtime.cli;

import io.medualtime.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** Rebuilds the report page of a finished run. */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Rebuilds report.html of a run folder from what it holds.",
        "From metrics.json, run.json, the dataset it names and the saved model: curves, confusion matrix,",
        "per-class metrics with bootstrap CIs, provenance, configuration and a few test ECGs.",
        "A demo folder (runs dual, ts-only, text-only) gets one page comparing them."})
final class ReportCommand extends JobCommand {
    @Parameters(paramLabel = "RUN", description = "A run folder (train, transfer, pretrain) or a folder of runs (demo).")
    Path dir;

    @Override int run() throws Exception {
        if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such run folder");
        out().println("report: " + RunReport.write(dir));
        return 0;
    }
}
