package io.medualtime.tensor.cuda;

/**
 * A kernel launch's geometry: the grid in blocks, the block in threads, and the dynamic shared memory
 * in bytes (every kernel here uses static shared memory only, so 0 outside tests).
 */
public record LaunchShape(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

    /** Every dimension at least 1, the shared memory not negative: else the driver would refuse the launch without naming it. */
    public LaunchShape {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0)
            throw new IllegalArgumentException(String.format("launch shape grid (%d,%d,%d) block (%d,%d,%d) shared %d bytes: "
                    + "every dimension must be at least 1", gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes));
    }

    /** A grid of (x, y, z) blocks of {@code block} threads each, no dynamic shared memory. */
    public static LaunchShape of(int gridX, int gridY, int gridZ, int block) {
        return new LaunchShape(gridX, gridY, gridZ, block, 1, 1, 0);
    }

    /** A 1-D grid of {@code grid} blocks of {@code block} threads. */
    public static LaunchShape linear(int grid, int block) {
        return of(grid, 1, 1, block);
    }
}
