package io.medualtime.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** The report can rate every benchmark it runs: each has its work (flops or bytes) and size. */
class KernelsReportTest {
    @Test void everyKernelBenchmarkHasItsWork() {
        int seen = 0;
        for (Method m : CpuKernels.class.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(Benchmark.class)) continue;
            assertTrue(CpuKernels.bytes(m.getName()) > 0, m.getName());
            assertFalse(CpuKernels.size(m.getName()).isEmpty(), m.getName());
            seen++;
        }
        for (Method m : ComposedKernels.class.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(Benchmark.class)) continue;
            assertTrue(ComposedKernels.flops(m.getName()) > 0 && ComposedKernels.bytes(m.getName()) > 0, m.getName());
            seen++;
        }
        assertEquals(9 + 6, seen,
                "layer norm, softmax, GELU (fwd, bwd), AdamW, cross-entropy (fwd, bwd); attention, adapter, conv1d (fwd, fwd+bwd)");
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.bytes("notABenchmark"));
    }

    /** Each memory-bound kernel names the STREAM benchmark with its access pattern, which moves as many streams per element. */
    @Test void everyMemoryBoundKernelHasARooflinePattern() throws NoSuchMethodException {
        for (Method m : CpuKernels.class.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(Benchmark.class)) continue;
            String pattern = CpuKernels.pattern(m.getName());
            assertTrue(Roofline.class.getMethod(pattern).isAnnotationPresent(Benchmark.class), pattern);
            double perElement = CpuKernels.bytes(m.getName()) / CpuKernels.elements(m.getName());
            if (!pattern.equals("streamUpdate")) assertEquals(Roofline.bytesPerElement(pattern), perElement, 1e-9, m.getName());
        }
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.pattern("notABenchmark"));
    }

    @Test void streamSumAddsEveryElement() {
        Roofline r = new Roofline();
        r.n = 100_003;        // several chunks and a ragged tail
        r.setup();
        r.streamUpdate();     // a = 3 b
        double expected = 0;
        float[] b = r.streamScale();      // b = 3 a = 9 b0: recompute a from it
        for (float v : b) expected += v / 3f;
        assertEquals(expected, r.streamSum(), 1e-6 * Math.abs(expected));
    }

    @Test void sgemmShapesAndFlops() throws NoSuchFieldException {
        for (String shape : SgemmKernels.class.getField("shape").getAnnotation(Param.class).value())
            assertTrue(SgemmKernels.flops(shape) > 0, shape);
        assertEquals(2.0 * 256 * 256 * 64 * 48, SgemmKernels.flops("256x256x64x48"));
        assertEquals(2.0 * 1024 * 3072 * 768, SgemmKernels.flops("1024x3072x768"));
    }

    @Test void fmaLoopStaysFinite() {
        float s = new FmaPeak().fmaPeak();
        assertTrue(Float.isFinite(s) && s > 0, "FMA chains converge, got " + s);
    }
}
