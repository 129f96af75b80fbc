package io.medualtime.tensor.cuda.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.medualtime.tensor.cuda.CudaRuntime;
import io.medualtime.tensor.cuda.LaunchShape;

/**
 * The PTX emulator on its own: every kernels/*.ptx parses, PTX semantics where Java differs (NaN
 * comparisons, shifts, division by zero, conversions, copysign), warp shuffles and barriers, and the
 * sanitizer faults. The kernels themselves are tested through CudaRuntimeTest / CudaBackendTest,
 * which run on the emulator when there is no GPU.
 */
class PtxEmulatorTest {

    private static final String HEADER = ".version 7.0\n.target sm_70\n.address_size 64\n";

    private static PtxEmulator emulator(String module, String ptx) {
        PtxEmulator e = new PtxEmulator(64L << 20, 2);
        e.load(module, HEADER + ptx);
        return e;
    }

    private static int[] ints(PtxEmulator e, long address, int n) {
        int[] out = new int[n];
        e.copyToHost(out, 0, address, n);
        return out;
    }

    @Test void everyKernelFileParses() throws IOException {
        Path dir = Stream.of("../kernels", "kernels").map(Path::of).filter(Files::isDirectory).findFirst().orElseThrow();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".ptx")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 12, "kernels found: " + files);
        for (Path p : files) {
            String name = p.getFileName().toString().replace(".ptx", "");
            PtxModule m = PtxParser.parse(name, CudaRuntime.ptxSource(name));     // includes expanded
            assertTrue(m.functions.stream().anyMatch(f -> f.entry), name + " has no .entry");
            for (PtxModule.Function f : m.functions) assertTrue(f.code.length > 1, name + ":" + f.name + " is empty");
        }
    }

    @Test void ptxSemanticsWhereJavaDiffers() {
        PtxEmulator e = emulator("t", String.join("\n",
                ".visible .entry semantics(.param .u64 p_out, .param .f32 p_nan, .param .u32 p_big)",
                "{",
                "    .reg .pred p;",
                "    .reg .f32 nan, f;",
                "    .reg .u32 u, big;",
                "    .reg .s32 s;",
                "    .reg .u64 out, w;",
                "    ld.param.u64    out, [p_out];",
                "    ld.param.f32    nan, [p_nan];",
                "    ld.param.u32    big, [p_big];",
                "    cvta.to.global.u64 out, out;",
                "    setp.ne.f32     p, nan, nan;          // ordered: false with NaN",
                "    selp.u32        u, 1, 0, p;",
                "    st.global.u32   [out], u;",
                "    setp.neu.f32    p, nan, 0f3F800000;   // unordered: true",
                "    selp.u32        u, 1, 0, p;",
                "    st.global.u32   [out+4], u;",
                "    min.f32         f, nan, 0f40000000;   // NaN operand ignored: 2",
                "    st.global.f32   [out+8], f;",
                "    shl.b32         u, big, 32;           // shift by the width: 0",
                "    st.global.u32   [out+12], u;",
                "    mov.s32         s, -8;",
                "    shr.s32         s, s, 40;             // arithmetic, clamped: -1",
                "    st.global.s32   [out+16], s;",
                "    div.u32         u, big, 0;            // no trap: all ones",
                "    st.global.u32   [out+20], u;",
                "    mul.wide.u32    w, big, 2;            // 0x1_FFFF_FFFE",
                "    st.global.u64   [out+24], w;",
                "    mul.hi.u32      u, big, big;          // 0xFFFF_FFFE",
                "    st.global.u32   [out+32], u;",
                "    cvt.rni.f32.f32 f, 0f40200000;        // rint(2.5) = 2",
                "    st.global.f32   [out+36], f;",
                "    cvt.rzi.s32.f32 s, 0fC02CCCCD;        // trunc(-2.7) = -2",
                "    st.global.s32   [out+40], s;",
                "    cvt.rn.f32.u32  f, big;               // unsigned: 4294967296",
                "    st.global.f32   [out+44], f;",
                "    copysign.f32    f, 0fBF800000, 0f40000000;  // the sign of the FIRST operand: -2",
                "    st.global.f32   [out+48], f;",
                "    cvt.s64.s32     w, s;                 // sign-extends -2",
                "    st.global.u64   [out+52], w;",
                "    cvt.u64.u32     w, big;               // zero-extends",
                "    st.global.u64   [out+60], w;",
                "    setp.lt.u32     p, big, 1;            // unsigned: 0xFFFFFFFF < 1 is false",
                "    selp.u32        u, 1, 0, p;",
                "    st.global.u32   [out+68], u;",
                "    ret;",
                "}"));
        long out = e.allocate(18 * 4);
        e.launch("t", "semantics", new LaunchShape(1, 1, 1, 1, 1, 1, 0), new Object[]{out, Float.NaN, -1});
        int[] r = ints(e, out, 18);
        assertEquals(0, r[0], "setp.ne NaN");
        assertEquals(1, r[1], "setp.neu NaN");
        assertEquals(2f, Float.intBitsToFloat(r[2]), "min.f32 with NaN");
        assertEquals(0, r[3], "shl by 32");
        assertEquals(-1, r[4], "shr.s32 by 40");
        assertEquals(-1, r[5], "div.u32 by 0");
        assertEquals(0x1_FFFF_FFFEL, (r[6] & 0xFFFFFFFFL) | ((long) r[7] << 32), "mul.wide.u32");
        assertEquals(0xFFFF_FFFE, r[8], "mul.hi.u32");
        assertEquals(2f, Float.intBitsToFloat(r[9]), "cvt.rni");
        assertEquals(-2, r[10], "cvt.rzi.s32.f32");
        assertEquals(4294967296f, Float.intBitsToFloat(r[11]), "cvt.rn.f32.u32");
        assertEquals(-2f, Float.intBitsToFloat(r[12]), "copysign");
        assertEquals(-2L, (r[13] & 0xFFFFFFFFL) | ((long) r[14] << 32), "cvt.s64.s32");
        assertEquals(0xFFFF_FFFFL, (r[15] & 0xFFFFFFFFL) | ((long) r[16] << 32), "cvt.u64.u32");
        assertEquals(0, r[17], "setp.lt.u32 is unsigned");
    }

    private static final String SHUFFLE = String.join("\n",
            ".shared .align 4 .u32 buf[64];",
            ".func (.reg .u32 r) neighbour(.reg .u32 v)",
            "{",
            "    shfl.sync.bfly.b32  r, v, 1, 31, 0xffffffff;",
            "    ret;",
            "}",
            ".visible .entry shuffle(.param .u64 p_out, .param .u32 p_exit_from)",
            "{",
            "    .reg .pred p;",
            "    .reg .u32 tid, v, rev, exitFrom, sa;",
            "    .reg .u64 out, a;",
            "    ld.param.u64    out, [p_out];",
            "    ld.param.u32    exitFrom, [p_exit_from];",
            "    mov.u32         tid, %tid.x;",
            "    setp.ge.u32     p, tid, exitFrom;",
            "    @p exit;",
            "    call (v), neighbour, (tid);           // lane ^ 1",
            "    mul.wide.u32    a, tid, 8;",
            "    add.u64         a, out, a;",
            "    st.global.u32   [a], v;",
            "    shl.b32         sa, tid, 2;",
            "    mov.u32         rev, buf;",
            "    add.u32         sa, sa, rev;",
            "    st.shared.u32   [sa], tid;",
            "    bar.sync        0;",
            "    sub.u32         rev, 63, tid;",
            "    shl.b32         sa, rev, 2;",
            "    mov.u32         rev, buf;",
            "    add.u32         sa, sa, rev;",
            "    ld.shared.u32   v, [sa];              // written by another warp before the barrier",
            "    st.global.u32   [a+4], v;",
            "    ret;",
            "}");

    @Test void warpShuffleAndBarrier() {
        PtxEmulator e = emulator("s", SHUFFLE);
        long out = e.allocate(64 * 8);
        e.launch("s", "shuffle", new LaunchShape(1, 1, 1, 64, 1, 1, 0), new Object[]{out, 64});
        int[] r = ints(e, out, 128);
        for (int t = 0; t < 64; t++) {
            assertEquals(t ^ 1, r[2 * t], "shfl.bfly lane " + t);
            assertEquals(63 - t, r[2 * t + 1], "shared memory across the barrier, thread " + t);
        }
    }

    @Test void divergedLanesReconvergeAfterLoopsAndIfElse() {
        PtxEmulator e = emulator("d", String.join("\n",
                ".visible .entry diverge(.param .u64 p_out)",
                "{",
                "    .reg .pred p;",
                "    .reg .u32 tid, i, acc, v;",
                "    .reg .u64 out, a;",
                "    ld.param.u64    out, [p_out];",
                "    mov.u32         tid, %tid.x;",
                "    mov.u32         acc, 0;",
                "    mov.u32         i, 0;",
                "LOOP:                                 // lane t loops t times",
                "    setp.ge.u32     p, i, tid;",
                "    @p bra          DONE;",
                "    add.u32         acc, acc, i;",
                "    add.u32         i, i, 1;",
                "    bra             LOOP;",
                "DONE:",
                "    and.b32         v, tid, 1;",
                "    setp.eq.u32     p, v, 0;",
                "    @p bra          EVEN;",
                "    add.u32         acc, acc, 1000;",
                "    bra             JOIN;",
                "EVEN:",
                "    add.u32         acc, acc, 2000;",
                "JOIN:                                 // a shuffle needs every lane here at once",
                "    shfl.sync.bfly.b32 v, acc, 1, 31, 0xffffffff;",
                "    mul.wide.u32    a, tid, 8;",
                "    add.u64         a, out, a;",
                "    st.global.u32   [a], acc;",
                "    st.global.u32   [a+4], v;",
                "    ret;",
                "}"));
        long out = e.allocate(32 * 8);
        e.launch("d", "diverge", new LaunchShape(1, 1, 1, 32, 1, 1, 0), new Object[]{out});
        int[] r = ints(e, out, 64);
        for (int t = 0; t < 32; t++) {
            int acc = t * (t - 1) / 2 + (t % 2 == 1 ? 1000 : 2000), other = t ^ 1;
            assertEquals(acc, r[2 * t], "lane " + t);
            assertEquals(other * (other - 1) / 2 + (other % 2 == 1 ? 1000 : 2000), r[2 * t + 1], "shuffled to lane " + t);
        }
    }

    @Test void shuffleWithExitedLanesIsReported() {
        PtxEmulator e = emulator("s", SHUFFLE);
        long out = e.allocate(64 * 8);
        RuntimeException f = assertThrows(RuntimeException.class,
                () -> e.launch("s", "shuffle", new LaunchShape(1, 1, 1, 64, 1, 1, 0), new Object[]{out, 16}));
        assertTrue(f.getMessage().contains("shfl.sync reached by 16 of the 32 lanes"), f.getMessage());
        assertTrue(f.getMessage().contains("kernel shuffle"), f.getMessage());
    }

    private static final String STORE = String.join("\n",
            ".visible .entry store_tid(.param .u64 p_out)",
            "{",
            "    .reg .u32 tid;",
            "    .reg .u64 out, a;",
            "    ld.param.u64    out, [p_out];",
            "    mov.u32         tid, %tid.x;",
            "    mul.wide.u32    a, tid, 4;",
            "    add.u64         a, out, a;",
            "    st.global.u32   [a], tid;",
            "    ret;",
            "}");

    @Test void outOfBoundsAndFreedMemoryAreReportedWithThreadAndLine() {
        PtxEmulator e = emulator("m", STORE);
        long small = e.allocate(32 * 4);
        RuntimeException f = assertThrows(RuntimeException.class,
                () -> e.launch("m", "store_tid", new LaunchShape(1, 1, 1, 33, 1, 1, 0), new Object[]{small}));
        assertTrue(f.getMessage().contains("kernels/m.ptx:12: st.global.u32 [a], tid"), f.getMessage());
        assertTrue(f.getMessage().contains("thread (32,0,0)") && f.getMessage().contains("past the end"), f.getMessage());
        e.free(small);
        f = assertThrows(RuntimeException.class, () -> e.launch("m", "store_tid", new LaunchShape(1, 1, 1, 1, 1, 1, 0),
                new Object[]{small}));
        assertTrue(f.getMessage().contains("not in a live allocation"), f.getMessage());
    }

    @Test void aKernelThatNeverEndsFailsInsteadOfHanging() {
        PtxEmulator e = emulator("loop", String.join("\n",
                ".visible .entry spin()",
                "{",
                "SPIN:",
                "    bra SPIN;",
                "}"));
        RuntimeException f = assertThrows(RuntimeException.class,
                () -> e.launch("loop", "spin", new LaunchShape(1, 1, 1, 1, 1, 1, 0), new Object[0]));
        assertTrue(f.getMessage().contains("no progress") && f.getMessage().contains("kernel spin"), f.getMessage());
    }

    @Test void launchArgumentsAreCheckedAgainstTheKernelParameters() {
        PtxEmulator e = emulator("m", STORE);
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> e.launch("m", "store_tid", new LaunchShape(1, 1, 1, 1, 1, 1, 0), new Object[]{7}));
        assertTrue(f.getMessage().contains("parameter 0 (p_out, .u64) given Integer 7"), f.getMessage());
        f = assertThrows(IllegalArgumentException.class, () -> e.launch("m", "nope", new LaunchShape(1, 1, 1, 1, 1, 1, 0), new Object[0]));
        assertTrue(f.getMessage().contains("no kernel 'nope'"), f.getMessage());
    }

    @Test void unsupportedPtxFailsAtLoadWithFileAndLine() {
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> emulator("bad", String.join("\n",
                ".visible .entry k()",
                "{",
                "    .reg .f32 x;",
                "    tex.1d.v4.f32.s32 x, [t, {0}];",
                "}")));
        assertTrue(f.getMessage().startsWith("kernels/bad.ptx:7: unsupported instruction 'tex'"), f.getMessage());
    }

    @Test void freshAllocationsReadAsNaNNotZero() {
        PtxEmulator e = new PtxEmulator(1 << 20, 1);
        long a = e.allocate(16);
        float[] v = new float[4];
        e.copyToHost(v, 0, a, 4);
        for (float x : v) assertTrue(Float.isNaN(x));
        assertFalse(e.memoryInfo()[0] == e.memoryInfo()[1], "the allocation is counted");
    }
}
