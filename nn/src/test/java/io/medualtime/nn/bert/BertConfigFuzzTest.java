package io.medualtime.nn.bert;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

/** Any bytes as a BERT / DistilBERT config.json (ParserContract). */
class BertConfigFuzzTest {
    private static final Path FILE = ParserContract.scratch("bert-config").resolve("config.json");

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(FILE, input);
        ParserContract.check(() -> BertConfig.load(FILE), List.of(ConfigException.class), FILE);
    }
}
