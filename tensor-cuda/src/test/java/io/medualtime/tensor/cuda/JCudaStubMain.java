package io.medualtime.tensor.cuda;

import io.medualtime.tensor.backend.GemmShape;

/**
 * The child process of {@link JCudaStubTest}: the real JCuda driver path against the stand-in
 * libcuda.so.1 - start-up, allocation, uploads (pinned ring and synchronous) read back, and the same
 * kernels launched with each {@link LaunchArgs} mode (the stub logs what the driver received).
 */
public final class JCudaStubMain {
    public static void main(String[] args) {
        CudaRuntime rt = CudaRuntime.get();
        if (!(rt.driver() instanceof JCudaDriverApi d)) throw new IllegalStateException("not the JCuda driver: " + rt.describe());
        System.out.println("DRIVER " + rt.describe());
        for (int n : new int[]{1000, 300_000}) {                 // under and over the pinned ring's 1 MiB
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = i * 0.5f - 7;
            DeviceBuffer b = DeviceAllocator.get().upload(v);
            if (!java.util.Arrays.equals(v, b.toFloatArray()))
                throw new IllegalStateException("upload of " + n + " floats read back different values");
            b.free();
        }
        System.out.println("COPIES ok");
        DeviceBuffer x = DeviceAllocator.get().allocate(64);
        for (LaunchArgs.Mode m : LaunchArgs.Mode.values()) {
            d.argMode(m);
            ElementwiseKernels.unary(io.medualtime.tensor.backend.UnaryOp.ADD_SCALAR, x.ptr(), x.ptr(), 3, 1.5f);
            CudaSgemm.sgemmTiles(new Gemm(new GemmShape(true, false, 5, 6, 7, 2), 0.75f, 0.25f), new DeviceMatrix(x.ptr() + 8, 6, 13L),
                    new DeviceMatrix(x.ptr(), 5, 11L), new DeviceMatrix(x.ptr() + 4, 6, 12L), x.ptr() + 12);
            System.out.println("MODE " + m + " " + Long.toHexString(x.ptr()));
        }
    }
}
