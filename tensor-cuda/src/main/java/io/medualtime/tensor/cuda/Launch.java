package io.medualtime.tensor.cuda;

/** The two launch patterns of the kernel families (*Kernels): a grid-stride loop over elements, one block per row. */
final class Launch {
    /** Threads per block of every launcher. */
    static final int BLOCK = 256;
    /** The largest grid dimension y (and z) the hardware takes; row kernels loop over more rows. */
    static final int MAX_GRID_Y = 65535;

    private Launch() {}

    /** A grid-stride kernel over n work items (elements, or 32 per warp-per-row kernel); nothing for n &lt;= 0. */
    static void gridStride(String module, String kernel, long n, Object... args) {
        if (n <= 0) return;
        CudaRuntime r = CudaRuntime.get();
        r.launch(module, kernel, LaunchShape.linear(r.gridFor(n), BLOCK), args);
    }

    /** A kernel with one block per row (blocks loop over rows past 65535); nothing for rows &lt;= 0. */
    static void rowBlocks(String module, String kernel, int rows, Object... args) {
        if (rows <= 0) return;
        CudaRuntime.get().launch(module, kernel, LaunchShape.linear(Math.min(rows, MAX_GRID_Y), BLOCK), args);
    }

    /** A launch of the given shape. */
    static void shaped(String module, String kernel, LaunchShape shape, Object... args) {
        CudaRuntime.get().launch(module, kernel, shape, args);
    }
}
