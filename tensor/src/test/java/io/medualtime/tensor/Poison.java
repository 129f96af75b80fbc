package io.medualtime.tensor;

import io.medualtime.tensor.cpu.ArrayPool;
import io.medualtime.tensor.cuda.DeviceAllocator;

/** Switches a device's memory recycling to poisoning mode (released memory is filled with NaN) for a test. */
public final class Poison {
    private Poison() {}

    public static void on(Device device) { set(device, true); }
    public static void off(Device device) { set(device, false); }

    private static void set(Device device, boolean on) {
        if (device == Device.CUDA) DeviceAllocator.get().setPoison(on);
        else ArrayPool.shared().setPoison(on);
    }
}
