package io.medualtime.tensor.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's thread pool. Work is split into a fixed number of contiguous chunks that
 * depends only on the problem size and the thread count, so results are deterministic for a
 * given thread count (every output element is always computed by the same code path, in the
 * same order).
 *
 * <p>The calling thread runs chunks too, next to {@code threads() - 1} workers. A model step
 * opens thousands of short parallel regions, so the hand-off must be cheap: a worker spins
 * briefly for the next region before it parks (a ForkJoinPool round trip, which wakes a parked
 * thread each time, cost ~45 us per region here, as much as many regions' work). A region
 * started while another is running (a nested call, or a second caller thread) runs on its
 * caller alone.
 *
 * <p>The thread count defaults to all cores; set it with {@link #setThreads(int)} or the system
 * property {@code medualtime.threads}, at most {@link #maxThreads()}. A pool with more threads than
 * cores (allowed so that a run recorded with a thread count can be repeated on a smaller machine)
 * never spins: its threads park at once, since a spinning thread there takes the core that the
 * thread it waits for needs (1000 spinning threads on 2 cores: 0.17 s per region, a step in minutes).
 */
public final class Parallel {
    /** How long an idle thread (a worker, or the caller waiting for the last chunk) spins before it parks. */
    private static final long SPIN_NANOS = 200_000;

    /**
     * Threads allowed per core. Results are deterministic for a thread count, not across counts, so
     * a run made with 8 threads can be repeated with 8 on a 2-core machine; beyond a few per core
     * nothing is repeated that a real machine ran, and each extra thread only adds hand-off cost.
     */
    static final int THREADS_PER_CORE = 4;

    private static volatile Pool pool;
    private static volatile int threads = Math.max(1, Math.min(maxThreads(),
            Integer.getInteger("medualtime.threads", cores())));

    private Parallel() {}

    /** Body of a parallel loop over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    public static int threads() { return threads; }

    /** The cores this JVM may use (a container's CPU limit included). */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The largest thread count {@link #setThreads} accepts: {@value #THREADS_PER_CORE} per core. */
    public static int maxThreads() {
        return THREADS_PER_CORE * cores();
    }

    /**
     * Sets the number of threads, the caller included (1 = run everything on the calling thread),
     * clamped to {@link #maxThreads()}; returns the number in effect.
     */
    public static synchronized int setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        n = Math.min(n, maxThreads());
        if (n != threads) {
            Pool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
        return n;
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new Pool(threads - 1, threads <= cores());
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
        if (chunks <= 1 || !pool().run(new Region(body, n, chunks))) body.run(0, n);
    }

    /** One parallel loop: chunks are claimed by whichever thread comes first. */
    private static final class Region {
        final RangeBody body;
        final int n, chunks;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable failure;
        volatile Thread waiter;        // the caller, once it parks until the last chunk is done

        Region(RangeBody body, int n, int chunks) { this.body = body; this.n = n; this.chunks = chunks; }

        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks;) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        Thread w = waiter;
                        if (w != null) LockSupport.unpark(w);
                    }
                }
            }
        }

        /** Returns once every chunk is done: spinning first when {@code spin}, then parked. */
        void await(boolean spin) {
            long start = System.nanoTime();
            while (spin && done.get() < chunks && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            if (done.get() == chunks) return;
            waiter = Thread.currentThread();   // the last chunk's thread unparks it (or we see done first)
            while (done.get() < chunks) LockSupport.park(this);
        }
    }

    private static final class Pool {
        private final Worker[] workers;
        private final boolean spin;    // false when there are more threads than cores: park at once
        private final AtomicBoolean busy = new AtomicBoolean();
        private volatile Region current;
        private volatile boolean stopped;

        Pool(int n, boolean spin) {
            this.spin = spin;
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this);
                workers[i].setName("medualtime-cpu-" + (i + 1));
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        /** Runs the region with the workers; false when a region is already running (the caller then runs it alone). */
        boolean run(Region r) {
            if (Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) return false;
            try {
                current = r;
                int wake = r.chunks - 1;       // the caller takes a chunk too; more would find none
                for (int i = 0; i < workers.length && wake > 0; i++)
                    if (workers[i].parked) { LockSupport.unpark(workers[i]); wake--; }
                r.work();
                r.await(spin);
            } finally {
                current = null;                // do not keep the region's arrays reachable
                busy.set(false);
            }
            Throwable t = r.failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new RuntimeException(t);
            return true;
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        volatile boolean parked;

        Worker(Pool pool) { this.pool = pool; }

        @Override public void run() {
            Region seen = null;
            while (!pool.stopped) {
                Region r = pool.current;
                if (r != seen) {
                    seen = r;
                    if (r != null) r.work();
                    continue;
                }
                long start = System.nanoTime();
                while (pool.spin && pool.current == seen && !pool.stopped && System.nanoTime() - start < SPIN_NANOS)
                    Thread.onSpinWait();
                if (pool.current != seen || pool.stopped) continue;
                parked = true;                 // the caller unparks a parked worker after publishing a region
                if (pool.current == seen && !pool.stopped) LockSupport.park(this);
                parked = false;
            }
        }
    }
}
