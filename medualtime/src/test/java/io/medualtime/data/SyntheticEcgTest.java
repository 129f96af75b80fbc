package io.medualtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticEcgTest {
    @TempDir
    Path tmp;

    static final SyntheticConfig SMALL = SyntheticConfig.DEFAULT.withSizes(20, 5, 5);

    @Test void sameSeedSameBytesDifferentSeedDifferentBytes() throws IOException {
        Path a = SyntheticEcg.writeTo(SMALL, tmp.resolve("a"));
        Path b = SyntheticEcg.writeTo(SMALL, tmp.resolve("b"));
        Path c = SyntheticEcg.writeTo(SMALL.withSeed(SMALL.seed() + 1), tmp.resolve("c"));
        for (String f : new String[]{"signals.f32", "records.csv", "dataset.json"})
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("signals.f32")), Files.readAllBytes(c.resolve("signals.f32"))));
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("records.csv")), Files.readAllBytes(c.resolve("records.csv"))));
    }

    @Test void inMemoryEqualsOnDisk() throws IOException {
        InMemoryDataset mem = SyntheticEcg.generate(SMALL);
        try (DiskDataset disk = DiskDataset.open(SyntheticEcg.writeTo(SMALL, tmp.resolve("d")))) {
            assertEquals(mem.size(), disk.size());
            for (int i = 0; i < mem.size(); i++) {
                EcgRecord a = mem.get(i), b = disk.get(i);
                assertEquals(a.id(), b.id());
                assertEquals(a.report(), b.report());
                assertEquals(a.fineLabel(), b.fineLabel());
                for (int l = 0; l < 12; l++) assertArrayEquals(a.signal()[l], b.signal()[l]);
            }
        }
    }

    @Test void recordsArePureFunctionsOfSeedSplitIndex() {
        // the same record regardless of how many records the split has
        SyntheticEcg small = new SyntheticEcg(SMALL);
        SyntheticEcg big = new SyntheticEcg(SMALL.withSizes(20, 50, 5));
        EcgRecord a = small.record(Split.TRAIN, 7), b = big.record(Split.TRAIN, 7);
        assertEquals(a.report(), b.report());
        assertArrayEquals(a.signal()[6], b.signal()[6]);
    }

    @Test void shapeLabelsAndPlausibleValues() {
        InMemoryDataset ds = SyntheticEcg.generate(SyntheticConfig.DEFAULT.withSizes(100, 10, 10));
        assertTrue(ds.isSynthetic());
        assertEquals(12, ds.leads());
        assertEquals(1000, ds.steps());
        assertEquals(100.0, ds.samplingRate());
        int[][] counts = ds.classCounts();
        for (int k = 0; k < 5; k++) assertEquals(20, counts[Split.TRAIN.ordinal()][k], "balanced train split");
        Set<String> reports = new HashSet<>();
        for (EcgRecord r : ds.records()) {
            assertFalse(r.report().isBlank());
            reports.add(r.report());
            float mx = 0;
            for (float[] lead : r.signal()) for (float v : lead) {
                assertTrue(Float.isFinite(v));
                mx = Math.max(mx, Math.abs(v));
            }
            assertTrue(mx > 0.3 && mx < 8, "peak amplitude " + mx + " mV of " + r.id());
            // Einthoven: III = II - I exactly up to float rounding
            for (int t = 0; t < 1000; t += 97)
                assertEquals(r.signal()[1][t] - r.signal()[0][t], r.signal()[2][t], 1e-5);
        }
        assertTrue(reports.size() > 60, "reports should vary, got " + reports.size() + " distinct of 120");
        assertTrue(ds.summary().startsWith("SYNTHETIC"));
    }

    @Test void ptbxlBalanceAndConfigurableSizes() {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT.withSizes(100, 0, 0).withBalance(SyntheticConfig.Balance.PTBXL)
                .withSampling(250, 4);
        InMemoryDataset ds = SyntheticEcg.generate(cfg);
        assertEquals(1000, ds.steps());
        assertEquals(250.0, ds.samplingRate());
        assertArrayEquals(new int[]{55, 15, 15, 11, 4}, ds.classCounts()[0]);
    }

    @Test void noiseFreeSignalIsSmootherThanNoisy() {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT.withSizes(5, 0, 0);
        double clean = roughness(SyntheticEcg.generate(cfg.withNoiseLevel(0))),
                noisy = roughness(SyntheticEcg.generate(cfg.withNoiseLevel(3)));
        assertTrue(noisy > clean * 1.5, clean + " vs " + noisy);
    }

    private static double roughness(InMemoryDataset ds) {
        double s = 0;
        for (EcgRecord r : ds.records()) for (float[] l : r.signal()) for (int t = 2; t < l.length; t++) {
            double d2 = l[t] - 2 * l[t - 1] + l[t - 2];
            s += d2 * d2;
        }
        return s;
    }

    @Test void generationIsFast() {
        SyntheticEcg g = new SyntheticEcg(SyntheticConfig.DEFAULT.withSizes(400, 0, 0));
        g.record(Split.TRAIN, 0); // warm-up
        long t0 = System.nanoTime();
        for (int i = 0; i < 400; i++) g.record(Split.TRAIN, i);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("synthetic generation: 400 records in %.2f s (%.1f ms/record)%n", s, s * 1000 / 400);
        assertTrue(s < 10, "400 records took " + s + " s");
    }
}
