package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.cpu.CpuBackend;

/** Finds the backend of a device. The CUDA backend is loaded on first use, by name, so the core never links to JCuda. */
public final class Backends {
    private static volatile Backend cuda;

    private Backends() {}

    public static Backend get(Device device) {
        if (device == Device.CPU) return CpuBackend.INSTANCE;
        Backend b = cuda;
        if (b == null) {
            synchronized (Backends.class) {
                if (cuda == null) cuda = loadCuda();
                b = cuda;
            }
        }
        return b;
    }

    private static Backend loadCuda() {
        try {
            Class<?> c = Class.forName("io.medualtime.tensor.cuda.CudaBackend");
            return (Backend) c.getMethod("create").invoke(null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("CUDA backend unavailable: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("CUDA backend unavailable: " + e, e);
        }
    }
}
