package io.medualtime.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.CpuBackend;

/** The core module alone, as a CPU-only embedder has it: no JCuda, and Device.CUDA says which artifact to add. */
class BackendsTest {

    @Test void coreClassPathHasNoJCuda() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("jcuda.driver.JCudaDriver"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.medualtime.tensor.cuda.CudaBackend"));
    }

    @Test void cudaWithoutTheModuleNamesTheArtifact() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(Device.CUDA));
        assertTrue(e.getMessage().contains("io.medualtime:medualtime-tensor-cuda"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(Device.CUDA, 1));
    }

    @Test void cpuIsBuiltIn() {
        assertSame(CpuBackend.INSTANCE, Backends.get(Device.CPU));
        assertEquals(Device.CPU, Tensor.zeros(Device.CPU, 2).device());
    }
}
