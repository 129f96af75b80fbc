package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JCudaDriverApi through JCuda's real JNI library, without a GPU: a stand-in libcuda.so.1
 * (resources cuda-stub/stub-driver.c, plus "return 0" for every other driver function the JNI
 * library references, listed with nm) is compiled with gcc and put on LD_LIBRARY_PATH of a child JVM
 * running {@link JCudaStubMain}. Checks that uploads read back, and that every kernel launch hands the
 * driver the same parameter values - read at the widths the kernel's PTX declares - whether the
 * arguments go as Java arrays, direct-buffer slots or one packed {@code extra} block; and that the
 * event-timed profile ({@code -Dmedualtime.cuda.profile=events}) counts and times each launch. Skipped
 * without gcc and nm, or off Linux x86-64.
 */
class JCudaStubTest {
    private static final String JNI_LIB = "lib/libJCudaDriver-12.6.0-linux-x86_64.so";

    @Test void launchArgumentsReachTheDriverAlikeInEveryMode(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"), "Linux x86-64 only");
        assumeTrue(runs("gcc", "--version") && runs("nm", "--version"), "gcc and nm are needed to build the stand-in driver");
        Path jni = dir.resolve("jni.so");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(JNI_LIB)) {
            assumeTrue(in != null, JNI_LIB + " is not on the class path");
            Files.copy(in, jni);
        }
        String template;
        try (InputStream in = getClass().getResourceAsStream("/cuda-stub/stub-driver.c")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder c = new StringBuilder(template).append('\n');
        for (String sym : undefinedDriverSymbols(jni))
            if (!template.contains("int " + sym + "(")) c.append("int ").append(sym).append("() { return 0; }\n");
        Files.writeString(dir.resolve("stub.c"), c);
        exec(dir, 120, "gcc", "-shared", "-fPIC", "-O1", "-w", "-o", "libcuda.so.1", "stub.c", "-Wl,-soname,libcuda.so.1");

        Path log = dir.resolve("launches.log");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dmedualtime.cuda.emulate=never",
                "-cp", System.getProperty("java.class.path"), JCudaStubMain.class.getName());
        child.environment().put("LD_LIBRARY_PATH", dir.toString());
        child.environment().put("STUB_LOG", log.toString());
        String out = exec(child, dir, 120);
        assertTrue(out.contains("DRIVER StubGPU (sm_90, 132 SMs"), "the child must run the JCuda driver on the stub:\n" + out);
        assertTrue(out.contains("COPIES ok"), out);

        List<String> lines = Files.readAllLines(log);
        assertEquals(6, lines.size(), "two kernels in three modes:\n" + String.join("\n", lines));
        for (String kernel : new String[]{"unary_f32", "sgemm"}) {
            Set<String> values = new LinkedHashSet<>();
            int extra = 0;
            for (String l : lines) {
                if (!l.startsWith("LAUNCH " + kernel + " ")) continue;
                if (l.contains(" via extra")) extra++;
                values.add(l.replace(" via extra", "").replace(" via params", ""));
            }
            assertEquals(1, extra, kernel + ": one launch through the packed block");
            assertEquals(1, values.size(), kernel + ": the driver saw different parameters:\n" + String.join("\n", values));
        }
        String scalar = lines.stream().filter(l -> l.startsWith("LAUNCH unary_f32")).findFirst().orElseThrow();
        assertTrue(scalar.endsWith(" 3 3fc00000"), "add_scalar's n = 3 and s = 1.5f as the last two parameters: " + scalar);
        String gemm = lines.stream().filter(l -> l.startsWith("LAUNCH sgemm")).findFirst().orElseThrow();
        assertTrue(gemm.contains(" 1 0 5 6 7 3f400000 "), "sgemm's transposes, sizes and alpha: " + gemm);

        // the event-timed profile (events around each launch, read back in batches) through JCuda too
        child.command().add(1, "-Dmedualtime.cuda.profile=events");
        String profiled = exec(child, dir, 120);
        assertTrue(profiled.contains("seconds of GPU time between events"), profiled);
        for (String kernel : new String[]{"elementwise:unary_f32", "sgemm:sgemm"})     // 3 launches each, 250 us each by the stub
            assertTrue(profiled.matches("(?s).*\\n  " + kernel + " +3 +0\\.001\\n.*"), kernel + " timed by events:\n" + profiled);
    }

    private static List<String> undefinedDriverSymbols(Path so) throws Exception {
        List<String> syms = new ArrayList<>();
        for (String l : exec(new ProcessBuilder("nm", "-D", "--undefined-only", so.toString()), so.getParent(), 60).split("\n")) {
            String s = l.trim().replaceFirst("^U\\s+", "").replaceFirst("@.*", "");
            if (s.startsWith("cu")) syms.add(s);
        }
        assertTrue(syms.contains("cuLaunchKernel"), "nm found no driver symbols in " + so);
        return syms;
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void exec(Path dir, int seconds, String... cmd) throws Exception { exec(new ProcessBuilder(cmd), dir, seconds); }

    private static String exec(ProcessBuilder pb, Path dir, int seconds) throws Exception {
        Process p = pb.directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", pb.command()) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", pb.command()) + " failed:\n" + out);
        return out;
    }
}
