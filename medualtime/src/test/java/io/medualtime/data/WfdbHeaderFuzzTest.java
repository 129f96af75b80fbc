package io.medualtime.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as a WFDB header {@code r.hea}, next to a valid 12-lead format-16 {@code r.dat} of 100 samples; a header
 * that parses has its signals read (ParserContract: the error names the header or the data file).
 */
class WfdbHeaderFuzzTest {
    private static final Path DIR = ParserContract.scratch("wfdb");
    private static final Path HEADER = DIR.resolve("r.hea"), DATA = ParserContract.write(DIR.resolve("r.dat"), new byte[12 * 100 * 2]);

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(HEADER, input);
        ParserContract.check(() -> Wfdb.readSignals(Wfdb.readHeader(HEADER)),
                List.of(EcgDataException.class, IOException.class), HEADER, DATA);
    }
}
