package io.medualtime.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code --protocol official|default} of {@code train}, {@code pretrain} and {@code transfer}: {@code official} sets
 * the options of the command's official script ({@code *_exp.sh}) that the command line does not give (an explicit
 * option wins); each command lists its values (docs/TRAINING.md, Protocol options). The preset is applied again
 * from the recorded arguments when a run is resumed.
 */
final class ProtocolOption {
    @Option(names = "--protocol", paramLabel = "NAME", description = "official: the authors' script for this command (its seed, schedule, "
            + "selection, initialisation, ...); options given explicitly still apply. See docs/TRAINING.md, Protocol options (default: default).")
    String protocol;

    /** Whether {@code --protocol official} was given; anything but official or default is refused. */
    boolean official() {
        return isOfficial("--protocol", protocol);
    }

    /** Whether an {@code official|default} option's value (null: not given) is official; anything else is refused naming the option. */
    static boolean isOfficial(String option, String value) {
        if (value == null) return false;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "official" -> true;
            case "default" -> false;
            default -> throw new JobCommand.UserError(option + " must be official or default, got '" + value + "'");
        };
    }

    /** What metrics.json records as {@code config.protocol}. */
    String recorded() { return official() ? "official" : "default"; }

    /** Whether the command line gives {@code option} explicitly (then a preset leaves it alone). */
    static boolean given(CommandSpec spec, String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }
}
