package io.medualtime.cli;

import io.medualtime.train.SavedRun;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a reloaded run's LM and text encoder are now (eval, predict): for a run folder moved or copied with them. */
final class FolderOptions {
    @Option(names = "--lm", paramLabel = "DIR", description = "Load the run's LM from DIR instead of the folder run.json records "
            + "(its files must be those the run was trained with, see --allow-changed-weights).")
    Path lm;

    @Option(names = "--bert", paramLabel = "DIR",
            description = "Load the run's BERT text encoder from DIR instead of the folder run.json records "
                    + "(checked like --lm).")
    Path bert;

    SavedRun.Folders folders() { return new SavedRun.Folders(lm, bert); }
}
