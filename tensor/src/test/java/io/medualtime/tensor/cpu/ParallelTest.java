package io.medualtime.tensor.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

/** The thread count's bounds, and a pool with more threads than cores (which parks instead of spinning). */
class ParallelTest {
    private final int before = Parallel.threads();

    @AfterEach void restore() { Parallel.setThreads(before); }

    @Test void threadCountsAreClampedToAFewPerCoreAndBelowOneRefused() {
        assertEquals(Parallel.THREADS_PER_CORE * Parallel.cores(), Parallel.maxThreads());
        assertEquals(Parallel.maxThreads(), Parallel.setThreads(1000 * Parallel.maxThreads()));
        assertEquals(Parallel.maxThreads(), Parallel.threads());
        assertEquals(1, Parallel.setThreads(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertEquals("thread count must be at least 1, got 0", e.getMessage());
        assertEquals(1, Parallel.threads(), "a refused count changes nothing");
    }

    @Test void anOversubscribedPoolCompletesEveryRegionExactlyOnce() {
        Parallel.setThreads(Parallel.maxThreads());        // more threads than cores on any machine
        int n = 4096;
        AtomicIntegerArray visits = new AtomicIntegerArray(n);
        for (int region = 0; region < 3000; region++)
            Parallel.range(n, 1, (a, b) -> { for (int i = a; i < b; i++) visits.incrementAndGet(i); });
        for (int i = 0; i < n; i++) assertEquals(3000, visits.get(i), "element " + i);
        RuntimeException boom = assertThrows(RuntimeException.class,
                () -> Parallel.range(n, 1, (a, b) -> {
                    if (a == 0) throw new IllegalStateException("chunk 0");
                }));
        assertEquals("chunk 0", boom.getMessage(), "a chunk's failure reaches the caller");
    }
}
