package io.medualtime.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as a run folder's run.json (ParserContract: the error names the file); a spec that reads also answers
 * what eval / predict ask of it before any weights are loaded: the LM line, label kind, mode and model config.
 */
class RunJsonFuzzTest {
    private static final Path RUN = ParserContract.scratch("run"), FILE = RUN.resolve(ModelSpec.FILE);

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(FILE, input);
        ModelSpec[] spec = new ModelSpec[1];
        ParserContract.check(() -> spec[0] = ModelSpec.read(RUN), List.of(IOException.class), FILE);
        if (spec[0] != null) ParserContract.check(() -> {
            spec[0].describeLm();
            spec[0].labelKind();
            spec[0].modeValue();
            spec[0].model().toConfig();
        }, List.of(IOException.class, IllegalArgumentException.class));
    }
}
