package io.medualtime.tensor.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

/** Any bytes as a .safetensors file: open, list, and read the first elements of each tensor (ParserContract). */
class SafetensorsFuzzTest {
    private static final Path FILE = ParserContract.scratch("safetensors").resolve("model.safetensors");

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(FILE, input);
        ParserContract.check(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(FILE)) {
                float[] head = new float[16];
                for (String name : f.names()) {
                    TensorInfo t = f.info(name);
                    if (t.dtype().isFloatingPoint()) f.readFloat(name, 0, head, 0, (int) Math.min(16, t.numel()));
                }
            }
        }, List.of(SafetensorsException.class), FILE);
    }
}
