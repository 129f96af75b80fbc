package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Assembles every kernels/*.ptx with ptxas for sm_80 and sm_90 (when ptxas is on the PATH; otherwise
 * skipped with the reason), failing with ptxas's message. Needs no GPU.
 */
class PtxAssembleTest {

    static Path kernelsDir() {
        for (String d : new String[]{System.getProperty("medualtime.kernels.dir"), "../kernels", "kernels"}) {
            if (d != null && Files.isDirectory(Path.of(d))) return Path.of(d);
        }
        return null;
    }

    static Path ptxas() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "ptxas");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    static List<Path> ptxFiles() throws IOException {
        Path dir = kernelsDir();
        List<Path> out = new ArrayList<>();
        if (dir == null) return out;
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".ptx")).sorted().forEach(out::add);
        }
        return out;
    }

    @Test void kernelSourcesPresentAndVersioned() throws IOException {
        List<Path> files = ptxFiles();
        assertFalse(files.isEmpty(), "no kernels/*.ptx found (looked in ../kernels, kernels)");
        for (String m : new String[]{"gated_prefix_attention", "elementwise", "reduce", "softmax", "layernorm", "gelu", "embedding",
                "crossentropy", "dropout", "batchnorm", "adamw", "sgemm", "conv"}) {
            assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().equals(m + ".ptx")), "missing " + m + ".ptx");
        }
        for (Path p : files) {
            String s = Files.readString(p, StandardCharsets.US_ASCII);
            assertTrue(s.contains(".version 7.0"), p + ": expected .version 7.0 (loads on CUDA 11.0+ drivers)");
            assertTrue(s.contains(".target sm_70"), p + ": expected .target sm_70");
            assertTrue(s.contains(".address_size 64"), p + ": expected .address_size 64");
            // and the same text, its includes expanded, is what the runtime loads from the classpath
            assertEquals(expanded(p), CudaRuntime.ptxSource(p.getFileName().toString().replace(".ptx", "")), p + " classpath copy differs");
        }
    }

    /** An included file lands on the include's line: comments gone, every later line where it was. */
    @Test void includesKeepTheLineNumbersOfTheIncludingFile() {
        java.util.Map<String, String> files = java.util.Map.of(
                "shared/f.ptxinc", "// f: doubles x\n.func (.reg .f32 r) f(.reg .f32 x)\n{\n    add.f32 r, x, x;   // 2x\n    ret;\n}\n",
                "shared/nested.ptxinc", "#include \"shared/f.ptxinc\"\n");
        String ptx = ".version 7.0\n#include \"shared/f.ptxinc\"   // f\n.visible .entry k()\n{\n    ret;\n}";
        String out = CudaRuntime.expandIncludes(ptx, files::get);
        String[] lines = out.split("\n", -1);
        assertEquals(ptx.split("\n", -1).length, lines.length, out);
        assertEquals(".version 7.0", lines[0]);
        assertTrue(lines[1].contains(".func (.reg .f32 r) f(.reg .f32 x)") && lines[1].contains("add.f32 r, x, x;")
                && !lines[1].contains("//") && !lines[1].contains("doubles"), lines[1]);
        assertEquals(".visible .entry k()", lines[2]);
        assertEquals("}", lines[5]);
        assertThrows(IllegalStateException.class, () -> CudaRuntime.expandIncludes("#include \"shared/nested.ptxinc\"", files::get));
    }

    @TestFactory Stream<DynamicTest> ptxasAssemblesEveryKernel() throws IOException {
        Path ptxas = ptxas();
        assumeTrue(ptxas != null, "ptxas not on the PATH: PTX assembly check skipped");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path ptx : ptxFiles()) {
            for (String arch : new String[]{"sm_80", "sm_90"}) {
                tests.add(DynamicTest.dynamicTest(ptx.getFileName() + " @ " + arch, () -> assemble(ptxas, ptx, arch)));
            }
        }
        return tests.stream();
    }

    /** A kernels/*.ptx file with its {@code #include "shared/..."} lines expanded from the same folder. */
    static String expanded(Path ptx) throws IOException {
        Path dir = ptx.getParent();
        return CudaRuntime.expandIncludes(Files.readString(ptx, StandardCharsets.US_ASCII), path -> {
            try {
                return Files.readString(dir.resolve(path), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(ptx + ": cannot read the included " + path, e);
            }
        });
    }

    /** ptxas on the expanded file (ptxas has no preprocessor); messages name the original file's lines. */
    static String assemble(Path ptxas, Path ptx, String arch) throws Exception {
        Path out = Files.createTempFile("ptxas-", ".cubin"), in = Files.createTempFile(ptx.getFileName().toString(), ".ptx");
        try {
            Files.writeString(in, expanded(ptx), StandardCharsets.US_ASCII);
            Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-v", "-o", out.toString(), in.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out on " + ptx);
            assertEquals(0, p.exitValue(), "ptxas -arch=" + arch + " " + ptx.getFileName() + " failed:\n" + log);
            assertFalse(log.contains("spill stores") && !log.contains("0 bytes spill stores"),
                    ptx.getFileName() + " spills registers on " + arch + ":\n" + log);
            return log;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
        }
    }
}
