package io.medualtime.tensor.cuda;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.BackendProvider;

/** Registers {@link CudaBackend} as the backend of {@link Device#CUDA} (META-INF/services): found by {@code Backends}. */
public final class CudaBackendProvider implements BackendProvider {
    @Override public Device device() { return Device.CUDA; }

    @Override public Backend backend() { return CudaBackend.create(); }
}
