package io.medualtime.cli;

import io.medualtime.data.SyntheticConfig;
import io.medualtime.data.SyntheticEcg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code data info --verify} says what it verified, and a bad value is one line naming record, split and lead. */
class DataCommandTest {
    @Test void verifySaysWhatItCheckedAndFindsANaN(@TempDir Path tmp) throws Exception {
        Path d = SyntheticEcg.writeTo(SyntheticConfig.DEFAULT.withSizes(4, 2, 2).withSampling(50, 10), tmp.resolve("d"));
        TrainingCommandsTest.Run r = TrainingCommandsTest.run("data", "info", "--verify", d.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains(
                        "verified 8 records (train 4, val 2, test 2): every split non-empty and labelled; all 48,000 signal values"),
                r.out());

        try (RandomAccessFile f = new RandomAccessFile(d.resolve("signals.f32").toFile(), "rw")) {
            f.seek(((7L * 12 + 5) * 500 + 9) * 4); // record 7 (test), lead aVF, step 9
            f.writeInt(Integer.reverseBytes(Float.floatToIntBits(Float.NaN)));
        }
        assertEquals(0, TrainingCommandsTest.run("data", "info", d.toString()).code(), "without --verify signals are not read");
        r = TrainingCommandsTest.run("data", "info", "--verify", d.toString());
        assertEquals(2, r.code());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("signals.f32, record 7 (id ") && err.contains("split test), lead aVF, step 9: non-finite value NaN"), err);
    }
}
