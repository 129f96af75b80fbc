package io.medualtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Data problems are found before the first epoch, each as one line naming split, record and lead. */
class DataChecksTest {
    @TempDir
    Path tmp;

    static final Set<Split> ALL = EnumSet.allOf(Split.class);

    /** {@link FormatTest#tinyRecords()} (r0..r4 in train, val, test, train, val) with some records left out. */
    static InMemoryDataset tiny(String... without) {
        List<EcgRecord> keep = new ArrayList<>();
        for (EcgRecord r : FormatTest.tinyRecords()) if (!List.of(without).contains(r.id())) keep.add(r);
        return new InMemoryDataset(FormatTest.INFO, keep);
    }

    @Test void aUsableDatasetPassesAndIsDescribed() throws IOException {
        DataChecks.requireUsable(tiny(), ALL);
        try (DiskDataset d = DiskDataset.open(FormatTest.writeTiny(tmp.resolve("ds")))) {
            DataChecks.requireUsable(d, ALL);
            String said = DataChecks.describe(d, ALL);
            assertTrue(said.contains("verified 5 records (train 2, val 2, test 1)") && said.contains("all 105 signal values")
                    && said.contains("3 leads x 7 steps"), said);
        }
    }

    @Test void emptySplitIsNamed() {
        EcgDataException e = assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(tiny("r2"), ALL));
        assertTrue(e.getMessage().contains("dataset 'tiny'") && e.getMessage().contains("the test split is empty")
                && e.getMessage().contains("train 2, val 2, test 0"), e.getMessage());
        DataChecks.requireUsable(tiny("r2"), EnumSet.of(Split.TRAIN, Split.VAL)); // a run that does not test
        e = assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(tiny("r1", "r4"), ALL));
        assertTrue(e.getMessage().contains("the val split is empty"), e.getMessage());
        e = assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(tiny("r0", "r1", "r2", "r3", "r4"), Set.of()));
        assertTrue(e.getMessage().contains("no records"), e.getMessage());
    }

    @Test void nonFiniteValueNamesRecordSplitAndLead() throws IOException {
        List<EcgRecord> recs = new ArrayList<>(FormatTest.tinyRecords());
        recs.get(4).signal()[1][6] = Float.NaN;
        InMemoryDataset mem = new InMemoryDataset(FormatTest.INFO, recs);
        EcgDataException e = assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(mem, ALL));
        assertTrue(e.getMessage().contains("dataset 'tiny', record 4 (id r4, split val), lead II, step 6: non-finite value NaN"),
                e.getMessage());
        DataChecks.requireUsable(mem, EnumSet.of(Split.TRAIN, Split.TEST)); // only the splits asked for are read

        Path f = FormatTest.writeTiny(tmp.resolve("ds"));
        try (RandomAccessFile raf = new RandomAccessFile(f.resolve(DatasetWriter.SIGNALS).toFile(), "rw")) {
            raf.seek(((2L * 3 + 0) * 7 + 3) * 4); // record 2 (test), lead I, step 3
            raf.writeInt(Integer.reverseBytes(Float.floatToIntBits(Float.NEGATIVE_INFINITY)));
        }
        try (DiskDataset d = DiskDataset.open(f)) {
            e = assertThrows(EcgDataException.class, () -> DataChecks.requireUsable(d, ALL));
            assertTrue(e.getMessage().contains("signals.f32, record 2 (id r2, split test), lead I, step 3: non-finite value -Infinity"),
                    e.getMessage());
        }
    }
}
