package io.medualtime.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as a dataset's dataset.json, next to the records.csv and signals.f32 of a tiny SYNTHETIC set (2/1/1
 * records, 50 Hz x 2 s; its own dataset.json is the seed input); a dataset that opens reads its first record
 * (ParserContract: the error names one of the dataset's files).
 */
class DatasetJsonFuzzTest {
    private static final Path DIR = ParserContract.scratch("dataset");
    static {
        try {
            Path base = SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(2, 1, 1).withSampling(50, 2.0), DIR.resolve("base"));
            for (String f : new String[]{DatasetWriter.CSV, DatasetWriter.SIGNALS})
                ParserContract.write(DIR.resolve("set").resolve(f), Files.readAllBytes(base.resolve(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
    private static final Path SET = DIR.resolve("set"), JSON = SET.resolve(DatasetWriter.JSON);

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(JSON, input);
        ParserContract.check(() -> {
            try (DiskDataset d = DiskDataset.open(SET)) {
                if (d.size() > 0) d.get(0);
            }
        }, List.of(EcgDataException.class, IOException.class), JSON, SET.resolve(DatasetWriter.CSV), SET.resolve(DatasetWriter.SIGNALS));
    }
}
