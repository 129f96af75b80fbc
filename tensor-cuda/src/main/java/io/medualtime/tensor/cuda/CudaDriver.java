package io.medualtime.tensor.cuda;

/**
 * The few CUDA driver operations the backend needs, on 64-bit device addresses (the value of a
 * {@code CUdeviceptr} in C). Implementations: {@link JCudaDriverApi} (a real GPU through JCuda)
 * and the {@link EmulatedDriver}s of the test-jar (the PTX emulator: the same PTX kernels interpreted on
 * the CPU, for machines without a GPU: tests and CI). {@link CudaRuntime} picks one at start-up.
 *
 * <p>All operations are ordered on one stream: a copy to the host returns after every queued
 * kernel. Kernel arguments are {@link Long} (a .u64 parameter: device address or 64-bit integer),
 * {@link Integer} (.u32 / .s32) or {@link Float} (.f32), in the kernel's parameter order.
 */
public interface CudaDriver {

    /** A one-line description: name, compute capability, memory, driver version. */
    String describe();

    /** Short device name, e.g. "NVIDIA H200" or "PTX emulator". */
    String deviceName();

    int computeCapabilityMajor();
    int computeCapabilityMinor();
    int multiprocessorCount();
    long totalMemory();
    int driverVersion();

    /** Free and total device memory in bytes. */
    long[] memoryInfo();

    /** A new device allocation of {@code bytes} bytes (contents undefined); throws {@link OutOfDeviceMemory}. */
    long allocate(long bytes);

    /** Frees an address returned by {@link #allocate}. */
    void free(long address);

    void copyToDevice(long dst, float[] src, int srcOffset, int count);
    void copyToDevice(long dst, int[] src, int srcOffset, int count);
    void copyToHost(float[] dst, int dstOffset, long src, int count);
    void copyToHost(int[] dst, int dstOffset, long src, int count);
    void copyDeviceToDevice(long dst, long src, long bytes);

    /** Sets {@code count} 32-bit words at {@code dst} to {@code bits}. */
    void fill32(long dst, int bits, long count);

    /** Launches {@code kernel} of kernels/&lt;module&gt;.ptx; see the class comment for the argument types. */
    void launch(String module, String kernel, LaunchShape shape, Object[] args);

    /** Waits for all queued work. */
    void synchronize();

    /** Milliseconds the device spent on {@code work} (events around it on the stream), after a synchronize. */
    float elapsedMillis(Runnable work);

    /** Thrown by {@link #allocate} when the device has no memory left. */
    final class OutOfDeviceMemory extends RuntimeException {
        public OutOfDeviceMemory(String message) { super(message); }
    }
}
