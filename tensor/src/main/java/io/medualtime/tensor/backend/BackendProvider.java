package io.medualtime.tensor.backend;

import io.medualtime.tensor.Device;

/**
 * A backend for a device other than the CPU, found at run time by {@link Backends} through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.medualtime.tensor.backend.BackendProvider}
 * entry), so that the core has no compile-time dependency on it: the CUDA backend is the artifact
 * {@code io.medualtime:medualtime-tensor-cuda}.
 */
public interface BackendProvider {

    /** The device this provider serves. */
    Device device();

    /** The device's backend; throws {@link IllegalStateException} with the reason when the device cannot be used. */
    Backend backend();
}
