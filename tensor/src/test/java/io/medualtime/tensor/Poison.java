package io.medualtime.tensor;

import io.medualtime.tensor.cpu.ArrayPool;

/** Switches a device's memory recycling to poisoning mode (released memory is filled with NaN) for a test. */
public final class Poison {
    /** The CUDA module's allocator, named rather than imported: the core does not depend on that module. */
    private static final String CUDA_ALLOCATOR = "io.medualtime.tensor.cuda.DeviceAllocator";

    private Poison() {}

    public static void on(Device device) { set(device, true); }
    public static void off(Device device) { set(device, false); }

    private static void set(Device device, boolean on) {
        if (device != Device.CUDA) {
            ArrayPool.shared().setPoison(on);
            return;
        }
        try {
            Object allocator = Class.forName(CUDA_ALLOCATOR).getMethod("get").invoke(null);
            allocator.getClass().getMethod("setPoison", boolean.class).invoke(allocator, on);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot poison CUDA memory: " + e, e);
        }
    }
}
