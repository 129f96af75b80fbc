package io.medualtime.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code tools/test_tools.py} (the tests of {@code convert_pth.py} and {@code bin_to_safetensors.py}) where a
 * Python with torch is installed (Debian's python3-torch), and {@code tools/test_convert_pkl.py} (the converter of the
 * authors' pickles; it must reproduce the committed {@code fixtures/authors-pkl}) where Python has numpy; skipped
 * elsewhere, e.g. in CI, which relies on the committed fixtures instead.
 */
class PythonToolsTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test void converterScriptsPassTheirTests() throws Exception {
        runTests("tools/test_tools.py", "torch, numpy");
    }

    @Test void pickleConverterPassesItsTests() throws Exception {
        runTests("tools/test_convert_pkl.py", "numpy");
    }

    /** Runs a Python test script from the repository root; skipped without /usr/bin/python3 or its {@code modules}. */
    static void runTests(String scriptPath, String modules) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve(scriptPath);
        assumeTrue(Files.isExecutable(PYTHON) && Files.isRegularFile(script), "no /usr/bin/python3 or " + scriptPath);
        assumeTrue(exec(root, PYTHON.toString(), "-c", "import " + modules).code == 0, "python3 without " + modules);
        Result r = exec(root, PYTHON.toString(), script.toString());
        assertEquals(0, r.code, r.output);
        assertTrue(r.output.contains("OK"), r.output);
    }

    record Result(int code, String output) {}

    static Result exec(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "python did not finish");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
