package io.medualtime.tensor.cuda.emulator;

import java.util.concurrent.atomic.AtomicLong;

import io.medualtime.tensor.cuda.CudaDriver;
import io.medualtime.tensor.cuda.EmulatedDriver;
import io.medualtime.tensor.cuda.KernelProfile;
import io.medualtime.tensor.cuda.LaunchShape;

/**
 * A CUDA "device" that does no work at all: allocations are addresses without memory, copies and
 * launches return at once, results are garbage (reads give zeros). What is left of a training step is
 * the host's own work - autograd, tensors, the allocator, launch arguments - which on a GPU has to
 * keep ahead of the kernels; this measures and profiles it without a GPU
 * ({@code -Dmedualtime.cuda.emulate=host-only}, e.g. with {@code MedualTimeStepBench --device cuda}).
 * Never for results.
 */
public final class HostOnlyDriver implements CudaDriver {
    /** Registers the driver with {@code CudaRuntime} (META-INF/services of the test-jar). */
    public static final class Provider implements EmulatedDriver {
        @Override public String name() { return HOST_ONLY; }
        @Override public CudaDriver open() { return new HostOnlyDriver(); }
    }

    private final AtomicLong next = new AtomicLong(1L << 32);
    /** -Dmedualtime.cuda.profile=true: what a step launches at its real shapes, counted without running it. */
    private final KernelProfile profile = KernelProfile.ifRequested();

    @Override public String describe() {
        return "host-only CUDA driver: kernels are NOT run, results are garbage (host overhead measurements)";
    }
    @Override public String deviceName() { return "host-only (no kernels)"; }
    @Override public int computeCapabilityMajor() { return 7; }
    @Override public int computeCapabilityMinor() { return 0; }
    @Override public int multiprocessorCount() { return 132; }            // an H100/H200's launch shapes
    @Override public long totalMemory() { return 1L << 40; }
    @Override public int driverVersion() { return 0; }
    @Override public long[] memoryInfo() { return new long[]{1L << 40, 1L << 40}; }

    @Override public long allocate(long bytes) { return next.getAndAdd((bytes + 511) & ~511L); }
    @Override public void free(long address) {}
    @Override public void copyToDevice(long dst, float[] src, int srcOffset, int count) {}
    @Override public void copyToDevice(long dst, int[] src, int srcOffset, int count) {}
    @Override public void copyToHost(float[] dst, int dstOffset, long src, int count) {}
    @Override public void copyToHost(int[] dst, int dstOffset, long src, int count) {}
    @Override public void copyDeviceToDevice(long dst, long src, long bytes) { count("(device -> device copy)"); }
    @Override public void fill32(long dst, int bits, long count) { count("(memset)"); }

    @Override public void launch(String module, String kernel, LaunchShape shape, Object[] args) {
        count(module + ":" + kernel);
    }

    private void count(String what) {
        if (profile != null) profile.add(what, 0);
    }

    @Override public void synchronize() {}
    @Override public float elapsedMillis(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }
}
