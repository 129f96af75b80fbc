package io.medualtime.tensor.cuda;

/**
 * A {@link CudaDriver} that is not a GPU, found by {@link CudaRuntime} through
 * {@link java.util.ServiceLoader} (META-INF/services) when {@code -Dmedualtime.cuda.emulate} asks for one:
 * the PTX emulator ({@code ptx}) and the host-only driver ({@code host-only}) of the test-jar
 * {@code io.medualtime:medualtime-tensor-cuda:test-jar}. The runtime never imports them.
 */
public interface EmulatedDriver {

    /** The PTX emulator's name: kernels interpreted on the CPU ({@code -Dmedualtime.cuda.emulate=fallback|always}). */
    String PTX = "ptx";
    /** The host-only driver's name: no kernels at all ({@code -Dmedualtime.cuda.emulate=host-only}). */
    String HOST_ONLY = "host-only";

    /** {@link #PTX} or {@link #HOST_ONLY}. */
    String name();

    /** A new driver. */
    CudaDriver open();
}
