package io.medualtime.data;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The synthetic generator's output, bit for bit: SHA-256 digests of the signals, labels and reports of
 * configurations chosen to reach the classes, sub-types, mild variants and noise paths, recorded from the generator as
 * {@link SyntheticEcg#VERSION} "1" defines it. A refactoring of the generator must leave them unchanged
 * (the demo's numbers depend on every bit); a deliberate change bumps VERSION and these digests.
 */
class SyntheticEcgGoldenTest {

    @Test void defaultConfig() {
        assertEquals("41a247335c279a5e4cb33852134e1659b454803a1f30fb6573d39d1485696e09", digest(SyntheticConfig.DEFAULT, Split.TRAIN, 300));
    }

    @Test void everyRecordMildNoReportGaps() {
        assertEquals("d9957f4b4732701e5d2020327dfad47e60036848d17523076dae8f3808d502f0",
                digest(SyntheticConfig.DEFAULT.withAmbiguityRate(1.0).withUninformativeReportRate(0), Split.VAL, 100));
    }

    @Test void noiseFree() {
        assertEquals("3e7618b5c1dc41746a2ca397a2a377526d1fb694d107c5c7ca9bf558296d670e",
                digest(SyntheticConfig.DEFAULT.withNoiseLevel(0).withSeed(7), Split.TEST, 60));
    }

    @Test void otherSamplingRateAndBalance() {
        SyntheticConfig cfg = SyntheticConfig.DEFAULT.withSampling(250, 4).withBalance(SyntheticConfig.Balance.PTBXL)
                .withNoiseLevel(2.0).withSeed(3);
        assertEquals("e4bef32137e74258828c8215ae74bf986df55d82c5c4ae89f0bfe8566fb5a28f", digest(cfg, Split.TRAIN, 60));
    }

    /** Digest of the first n records of a split: label, report (UTF-8) and every sample's float bits. */
    static String digest(SyntheticConfig cfg, Split split, int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            SyntheticEcg gen = new SyntheticEcg(cfg);
            for (int i = 0; i < n; i++) {
                EcgRecord r = gen.record(split, i);
                md.update(ByteBuffer.allocate(4).putInt(gen.label(split, i)).array());
                md.update(r.report().getBytes(StandardCharsets.UTF_8));
                for (float[] lead : r.signal()) {
                    ByteBuffer b = ByteBuffer.allocate(4 * lead.length);
                    for (float v : lead) b.putInt(Float.floatToRawIntBits(v));
                    md.update(b.array());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
