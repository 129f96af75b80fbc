package io.medualtime.cli;

import io.medualtime.train.SavedRun;
import picocli.CommandLine.Option;

/** The overrides of a reloaded run's pins (eval, transfer --checkpoint): see {@link SavedRun}. */
final class PinOptions {
    static final String WEIGHTS_DESCRIPTION = "Use the run even though its frozen LM or text encoder changed since training "
            + "(refused otherwise); the outputs record it.";

    @Option(names = SavedRun.ALLOW_WEIGHTS_FLAG, description = WEIGHTS_DESCRIPTION)
    boolean allowChangedWeights;

    @Option(names = SavedRun.ALLOW_DATA_FLAG, description = "Use the run's data folder even though its content changed since "
            + "training (refused otherwise); the outputs record it. Another --data folder is always allowed (and recorded).")
    boolean allowChangedData;

    SavedRun.Trust trust() { return new SavedRun.Trust(allowChangedWeights, allowChangedData); }
}
