package io.medualtime.tensor;

import io.medualtime.tensor.cpu.ArrayPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** What a {@link TensorScope} releases, what it leaves alone, and how a released tensor fails. */
class TensorScopeTest {

    private static void assertReleased(Tensor t) {
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toArray);
        assertTrue(e.getMessage().contains("TensorScope"), e.getMessage());
    }

    @Test void tensorsCreatedInsideAreReleasedAtClose() {
        Tensor before = Tensor.arange(6);
        Tensor inside, view;
        try (TensorScope scope = TensorScope.open()) {
            inside = before.mul(2f);
            view = inside.reshape(2, 3).transpose(0, 1);
            assertEquals(1, scope.size(), "one storage: the product (views share it)");
            assertArrayEquals(new float[]{0, 6, 2, 8, 4, 10}, view.toArray());
        }
        assertReleased(inside);
        assertReleased(view);
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, before.toArray());
    }

    @Test void keptTensorsMoveOutwardAndPersistedOnesOutliveEveryScope() {
        Tensor kept, persisted, innerOnly;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                kept = inner.keep(Tensor.arange(3).add(1f));
                persisted = TensorScope.persist(Tensor.arange(3).add(2f));
                innerOnly = Tensor.arange(3).add(3f);
                assertTrue(TensorScope.isScoped(kept));
                assertFalse(TensorScope.isScoped(persisted));
            }
            assertReleased(innerOnly);
            assertArrayEquals(new float[]{1, 2, 3}, kept.toArray(), "kept: alive in the enclosing scope");
            assertTrue(outer.owns(kept.storage()));
        }
        assertReleased(kept);
        assertArrayEquals(new float[]{2, 3, 4}, persisted.toArray());
    }

    @Test void leafGradientsSurviveTheStepThatComputedThem() {
        Tensor w = Tensor.randn(new Rng(3), 64, 80).requiresGrad(true);
        Tensor x = Tensor.randn(new Rng(4), 16, 64);
        Tensor expected = x.transpose(0, 1).matmul(Tensor.ones(16, 80));   // d sum(x @ w) / dw
        try (TensorScope step = TensorScope.open()) {
            x.matmul(w).sum().backward();
        }
        Fixtures.assertClose("grad", expected, w.grad(), 1e-6);
    }

    @Test void closingOutOfOrderOrOnAnotherThreadIsAnError() throws Exception {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        java.util.concurrent.atomic.AtomicReference<Throwable> other = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                inner.close();
            } catch (Throwable e) {
                other.set(e);
            }
        });
        t.start();
        t.join();
        assertInstanceOf(IllegalStateException.class, other.get());
        inner.close();
        outer.close();
    }

    @Test void releasedArraysAreReusedByTheNextStep() {
        long before = ArrayPool.shared().reused();
        for (int step = 0; step < 2; step++)
            try (TensorScope s = TensorScope.open()) {
                Tensor.randn(new Rng(step), 128, 64).mul(3f).sum().item();
            }
        assertTrue(ArrayPool.shared().reused() > before, "the second step took the first one's product from the pool");
    }
}
