package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.backend.Backends;

/** How the module is found: the core's ServiceLoader finds the backend, the runtime finds its stand-in drivers. */
class CudaModuleTest {

    @Test void coreFindsTheCudaBackendThroughServiceLoader() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        assertInstanceOf(CudaBackend.class, Backends.get(Device.CUDA));
    }

    @Test void runtimeFindsTheEmulatorThroughServiceLoader() {
        assumeTrue(CudaRuntime.isAvailable(), () -> "CUDA unavailable: " + CudaRuntime.unavailableReason());
        assumeTrue(CudaRuntime.get().isEmulated(), "a real GPU");
        assertEquals("PTX emulator", CudaRuntime.get().deviceName());
    }

    /** Without the test-jar (the CLI, an embedder), asking for the emulator gives the reason, naming the test-jar. */
    @Test void emulatorMissingFromTheClassPathIsNamed() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
            if (!e.contains("test-classes") && !e.contains("tests.jar") && !e.contains("junit") && !e.contains("opentest4j"))
                urls.add(Path.of(e).toUri().toURL());
        String before = System.getProperty("medualtime.cuda.emulate");
        System.setProperty("medualtime.cuda.emulate", "always");
        try (URLClassLoader alone = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> rt = Class.forName(CudaRuntime.class.getName(), true, alone);
            assertEquals(false, rt.getMethod("isAvailable").invoke(null));
            String why = (String) rt.getMethod("unavailableReason").invoke(null);
            assertTrue(why.contains("io.medualtime:medualtime-tensor-cuda:test-jar"), why);
        } finally {
            if (before == null) System.clearProperty("medualtime.cuda.emulate");
            else System.setProperty("medualtime.cuda.emulate", before);
        }
    }
}
