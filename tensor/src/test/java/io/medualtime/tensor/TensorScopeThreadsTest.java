package io.medualtime.tensor;

import io.medualtime.tensor.cpu.CpuStorage;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scope's tensors belong to the thread that opened it: their memory goes back to the pool when that thread
 * closes the scope, so a use from another thread could read an array another tensor now owns. Such use fails.
 */
class TensorScopeThreadsTest {
    private static final int N = 1 << 14;      // large enough to be pooled

    private static <T> T onAnotherThread(Callable<T> work) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-thread"));
        try {
            Future<T> f = other.submit(work);
            return f.get();
        } finally {
            other.shutdown();
        }
    }

    private static void assertForeign(Throwable e) {
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("thread 'main'") || e.getMessage().contains("thread '" + Thread.currentThread().getName() + "'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'other-thread'"), e.getMessage());
    }

    @Test void aScopedTensorUsedFromAnotherThreadFailsWhileTheScopeIsOpenAndAfter() throws Exception {
        Tensor scoped;
        try (TensorScope scope = TensorScope.open()) {
            scoped = Tensor.arange(N).mul(2f);
            Tensor t = scoped;
            Throwable whileOpen = onAnotherThread(() -> {
                try {
                    t.toArray();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            assertForeign(whileOpen);
            Throwable op = onAnotherThread(() -> {
                try {
                    t.add(1f);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            assertForeign(op);
            assertEquals(2f * (N - 1), scoped.toArray()[N - 1], "its own thread still uses it");
        }
        Tensor t = scoped;
        Throwable afterClose = onAnotherThread(() -> {
            try {
                t.toArray();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertForeign(afterClose);
    }

    /** What used to happen: another thread's handle on a scoped tensor's array saw the next step's values. */
    @Test void anotherThreadCannotTakeAScopedTensorsArrayToReadItAfterItIsRecycled() throws Exception {
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = Tensor.full(1f, N).mul(1f);
            Object got = onAnotherThread(() -> {
                try {
                    return (Object) ((CpuStorage) t.storage()).data();
                } catch (Throwable x) {
                    return x;
                }
            });
            assertInstanceOf(Throwable.class, got, "the other thread got the array itself");
            assertForeign((Throwable) got);
        }
    }

    @Test void persistedAndUnscopedTensorsAreSharedFreely() throws Exception {
        Tensor unscoped = Tensor.arange(N).mul(3f), persisted, kept;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                persisted = TensorScope.persist(Tensor.arange(N).mul(4f));
                kept = inner.keep(Tensor.arange(N).mul(5f));
            }
            Tensor k = kept;
            assertForeign(onAnotherThread(() -> {
                try {
                    k.toArray();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }));
            outer.closeKeeping();            // kept by the outermost scope: now in no scope
        }
        Tensor p = persisted, k = kept;
        assertEquals(3f * 7, onAnotherThread(() -> unscoped.toArray()[7]));
        assertEquals(4f * 7, onAnotherThread(() -> p.toArray()[7]));
        assertEquals(5f * 7, onAnotherThread(() -> k.toArray()[7]));
    }
}
