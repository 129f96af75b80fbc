package io.medualtime.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU backend's thread pool. Work is split into a fixed number of contiguous chunks that
 * depends only on the problem size and the thread count, so results are deterministic for a
 * given thread count (every output element is always computed by the same code path, in the
 * same order).
 *
 * <p>The thread count defaults to all cores; set it with {@link #setThreads(int)} or the system
 * property {@code medualtime.threads}.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool;
    private static volatile int threads = Integer.getInteger("medualtime.threads",
            Runtime.getRuntime().availableProcessors());

    private Parallel() {}

    /** Body of a parallel loop over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    public static int threads() { return threads; }

    /** Sets the number of worker threads (1 = run everything on the calling thread). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new ForkJoinPool(threads);
                p = pool;
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@code threads()} contiguous chunks of at
     * least {@code grain} items. Small problems run on the calling thread.
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) { body.run(0, n); return; }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks - 1);
        ForkJoinPool p = pool();
        for (int c = 1; c < chunks; c++) {
            int s = (int) ((long) n * c / chunks), e = (int) ((long) n * (c + 1) / chunks);
            tasks.add(p.submit(() -> body.run(s, e)));
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
