package io.medualtime.tensor.cpu;

import io.medualtime.tensor.backend.GemmShape;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache detection from a sysfs-like folder and the block sizes chosen from it. */
class SgemmBlockingTest {
    @TempDir
    Path dir;

    private void index(int i, int level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + i));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    /** Intel Sapphire Rapids: 48 KB L1d, 2 MB L2 per core. */
    private void sapphireRapids() throws IOException {
        index(0, 1, "Data", "48K");
        index(1, 1, "Instruction", "32K");
        index(2, 2, "Unified", "2048K");
        index(3, 3, "Unified", "107520K");
    }

    @Test void readsCacheSizesFromSysfs() throws IOException {
        sapphireRapids();
        assertEquals(new CpuCaches(48 << 10, 2 << 20, 107520L << 10), CpuCaches.read(dir));
        assertEquals(2L << 20, CpuCaches.parseSize("2M"));
        assertEquals(1000L, CpuCaches.parseSize("1000"));
    }

    @Test void unknownOrMalformedCachesGiveNull() throws IOException {
        assertNull(CpuCaches.read(dir.resolve("absent")));
        index(0, 1, "Data", "32K");
        assertNull(CpuCaches.read(dir), "no L2 listed");
        index(2, 2, "Unified", "lots");
        assertNull(CpuCaches.read(dir), "unparseable size");
    }

    @Test void largeL2GetsL2SizedBlocksSmallL2KeepsTheZen4Tuning() {
        // 2 MB: A block 168 x 384 (252 KB, 1/8 of L2), B block 384 x 832 (1.2 MB): together under 3/4 of L2
        SgemmBlocking spr = SgemmBlocking.forCaches(new CpuCaches(48 << 10, 2 << 20, 105 << 20), 6, 64);
        assertEquals(384, spr.kc());
        assertEquals(168, spr.mc());
        assertEquals(832, spr.nc());
        assertTrue(4L * spr.kc() * (spr.mc() + spr.nc()) <= (2 << 20) * 3 / 4);
        // 1 MB (Zen 4) cannot hold a 384 x 768 block beside A: B streams from L3 as tuned there
        SgemmBlocking zen4 = SgemmBlocking.forCaches(new CpuCaches(32 << 10, 1 << 20, 32 << 20), 6, 64);
        assertEquals(1536, zen4.nc());
        assertEquals(480, zen4.mc());
        SgemmBlocking unknown = SgemmBlocking.forCaches(null, 6, 64);
        assertEquals(1536, unknown.nc());
        assertTrue(unknown.reason().startsWith("cache sizes unknown"), unknown.reason());
    }

    /** MC and NC change which blocks are packed together, never the k order: results are bitwise equal. */
    @Test void blockSizesDoNotChangeResults() {
        SgemmBlocking spr = SgemmBlocking.forCaches(new CpuCaches(48 << 10, 2 << 20, 105 << 20), 6, 64);
        Random r = new Random(7);
        int m = 400, n = 1800, k = 800;       // several blocks of rows, columns and k under both sizes
        float[] a = SgemmTest.rand(r, m * k, 0f), b = SgemmTest.rand(r, k * n, 0f);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        SgemmBlocked zen4 = VectorSupport.available() ? new SgemmVector(384, 480, 1536) : new SgemmScalar(384, 480, 1536);
        SgemmBlocked large = VectorSupport.available()
                ? new SgemmVector(spr.kc(), spr.mc(), spr.nc())
                : new SgemmScalar(spr.kc(), spr.mc(), spr.nc());
        zen4.run(ArrayMatrix.of(c1, 0, n), ArrayMatrix.of(a, 0, k), ArrayMatrix.of(b, 0, n), GemmShape.of(false, false, m, n, k), 1f, 0f);
        large.run(ArrayMatrix.of(c2, 0, n), ArrayMatrix.of(a, 0, k), ArrayMatrix.of(b, 0, n), GemmShape.of(false, false, m, n, k), 1f, 0f);
        assertArrayEquals(c1, c2);
    }

    @Test void overridesMustBePositiveIntegers() {
        String key = "medualtime.sgemm.nc", old = System.getProperty(key);
        try {
            System.setProperty(key, "0");
            assertEquals(1536, SgemmBlocking.override("nc", 1536), "0 would divide by zero in every product");
            System.setProperty(key, "lots");
            assertEquals(1536, SgemmBlocking.override("nc", 1536));
            System.setProperty(key, "768");
            assertEquals(768, SgemmBlocking.override("nc", 1536));
            assertEquals(768, SgemmBlocking.detect(6, 64).nc());
        } finally {
            if (old == null) System.clearProperty(key);
            else System.setProperty(key, old);
        }
    }

    @Test void blockingIsReported() {
        assertTrue(Sgemm.blocking().matches(Sgemm.kernelName() + " tile \\d+x\\d+ KC=\\d+ MC=\\d+ NC=\\d+ \\(.+\\)"), Sgemm.blocking());
    }
}
