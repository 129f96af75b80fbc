package io.medualtime.tensor.backend;

import java.util.ServiceLoader;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.cpu.CpuBackend;

/**
 * Finds the backend of a device. The CPU backend is built in; the CUDA backend is loaded on first use
 * through a {@link BackendProvider} on the class path, so the core never links to JCuda.
 */
public final class Backends {
    /** The artifact that provides Device.CUDA, named in the error when it is missing. */
    static final String CUDA_ARTIFACT = "io.medualtime:medualtime-tensor-cuda";

    private static volatile Backend cuda;

    private Backends() {}

    /**
     * The backend of {@code device}; for CUDA, throws {@link IllegalStateException} with a one-line
     * reason when no provider is on the class path or the GPU cannot be used.
     */
    public static Backend get(Device device) {
        if (device == Device.CPU) return CpuBackend.INSTANCE;
        Backend b = cuda;
        if (b == null) {
            synchronized (Backends.class) {
                if (cuda == null) cuda = load(device);
                b = cuda;
            }
        }
        return b;
    }

    private static Backend load(Device device) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.device() != device) continue;
            try {
                return p.backend();
            } catch (IllegalStateException | LinkageError e) {
                throw new IllegalStateException("CUDA backend unavailable: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no " + device + " backend on the class path: add the artifact " + CUDA_ARTIFACT
                + " (the bin/medualtime CLI includes it)");
    }
}
