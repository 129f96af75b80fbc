package io.medualtime.nn.gpt2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

/** Any bytes as a GPT-2 config.json (ParserContract). */
class Gpt2ConfigFuzzTest {
    private static final Path FILE = ParserContract.scratch("gpt2-config").resolve("config.json");

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(FILE, input);
        ParserContract.check(() -> Gpt2Config.load(FILE), List.of(ConfigException.class), FILE);
    }
}
