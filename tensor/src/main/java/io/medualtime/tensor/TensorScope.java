package io.medualtime.tensor;

import io.medualtime.tensor.backend.Storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Deterministic release of the tensors a block of code creates: every storage allocated on this
 * thread while the scope is open is released when it closes, unless it was kept. Without a scope,
 * memory comes back only when the garbage collector finds dead tensors, which for device memory
 * and multi-megabyte activations is late and uneven; with one, a training step hands its
 * activations and gradients straight back to the allocator (CPU: {@link io.medualtime.tensor.cpu.ArrayPool},
 * CUDA: the caching allocator) and the next step reuses them.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor loss = model.loss(batch);
 *     loss.backward();                 // parameter gradients are persisted (see persist)
 *     optimizer.step();                // so is the optimiser's state
 *     lossValue = loss.item();         // read what you need before the scope closes
 * }                                    // every other tensor of the step is released here
 * }</pre>
 *
 * <p>What survives: storages created before the scope opened, storages handed to {@link #persist}
 * (the library does this for gradients stored on leaves, optimiser state and module parameters),
 * and storages {@link #keep kept} (which move to the enclosing scope, or outlive all scopes).
 * Using a released tensor throws an IllegalStateException that says so; it never reads recycled
 * memory. Scopes nest and are per thread, and so are the tensors they own: using one from another
 * thread throws an IllegalStateException, open scope or closed (its memory may already serve
 * another tensor). Share a tensor across threads once it is in no scope: created outside every
 * scope, {@link #persist persisted}, or kept out of the outermost one.
 *
 * <p>A scope holds its storages weakly: a temporary that nothing references any more before the
 * scope closes is reclaimed by the garbage collector as it would be without a scope, so a scope
 * never makes peak memory higher; ops also release their own temporaries at once
 * ({@link #releaseTemporary}).
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<ArrayDeque<TensorScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Storage> owned = Collections.newSetFromMap(new WeakHashMap<>());   // Storage: identity equality
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private TensorScope() {}

    /** Opens a scope on the current thread; close it on the same thread (try-with-resources). */
    public static TensorScope open() {
        TensorScope s = new TensorScope();
        OPEN.get().push(s);
        return s;
    }

    /** Called for every freshly allocated storage: the innermost open scope of this thread owns it. */
    static Storage track(Storage s) {
        TensorScope top = OPEN.get().peek();
        if (top != null) {
            top.owned.add(s);
            s.confineTo(top.thread);
        }
        return s;
    }

    /**
     * Fails unless the current thread is {@code owner}, whose scope owns (or released) {@code s}. Storages call it
     * on every use while confined: one comparison with the current thread.
     */
    public static void checkThread(Thread owner, Storage s) {
        if (owner != Thread.currentThread())
            throw new IllegalStateException(s + " belongs to a TensorScope of thread '" + owner.getName()
                    + "' and was used from thread '" + Thread.currentThread().getName() + "': a scope releases its "
                    + "tensors' memory for reuse, so they stay on its thread; persist() a tensor to share it");
    }

    /** True when {@code t}'s storage will be released by an open scope of this thread. */
    public static boolean isScoped(Tensor t) {
        for (TensorScope s : OPEN.get()) if (s.owned.contains(t.storage())) return true;
        return false;
    }

    /**
     * Takes {@code t}'s storage (and so every view of it) out of all scopes of this thread: the
     * garbage collector reclaims it as if no scope had been open. For state that outlives a step.
     */
    public static Tensor persist(Tensor t) {
        if (t != null)
            for (TensorScope s : OPEN.get())
                if (s.owned.remove(t.storage())) { t.storage().confineTo(null); break; }
        return t;
    }

    /** Hands {@code t}'s storage to the enclosing scope (or to no scope): it survives this one's close. */
    public Tensor keep(Tensor t) {
        checkOpen();
        if (owned.remove(t.storage())) {
            TensorScope outer = null;
            boolean below = false;
            for (TensorScope s : OPEN.get()) {      // innermost first: the enclosing one comes right after this
                if (below) { outer = s; break; }
                below = s == this;
            }
            if (outer != null) outer.owned.add(t.storage());
            else t.storage().confineTo(null);
        }
        return t;
    }

    /** Whether this scope will release {@code s} when it closes. */
    public boolean owns(Storage s) { return owned.contains(s); }

    /**
     * Releases {@code s} now if this scope owns it (every tensor over it becomes unusable), and says
     * whether it did. For code that knows a storage is dead before the scope ends, as backward does
     * with the gradients it has consumed.
     */
    public boolean release(Storage s) {
        checkOpen();
        if (!owned.remove(s)) return false;
        s.release();
        return true;
    }

    /** Closes this scope releasing nothing: what it owns moves to the enclosing scope (or to none). */
    public void closeKeeping() {
        if (closed) return;
        TensorScope outer = popSelf();
        if (outer != null) outer.owned.addAll(owned);
        else for (Storage s : owned) s.confineTo(null);
        owned.clear();
    }

    /**
     * For an op's internal temporaries (an im2col matrix, a packed copy): releases {@code t}'s
     * storage now if an open scope of this thread owns it, so the next allocation can reuse it.
     * The caller guarantees nothing else uses it; without a scope this does nothing.
     */
    public static void releaseTemporary(Tensor t) {
        for (TensorScope s : OPEN.get()) if (s.owned.remove(t.storage())) { t.storage().release(); return; }
    }

    /** Number of storages this scope will release. */
    public int size() { return owned.size(); }

    /** Releases every storage this scope still owns. Scopes must close innermost first. */
    @Override public void close() {
        if (closed) return;
        popSelf();
        for (Storage s : new ArrayList<>(owned)) s.release();
        owned.clear();
    }

    /** Removes this scope from the thread's stack; returns the enclosing scope, or null. */
    private TensorScope popSelf() {
        if (Thread.currentThread() != thread)
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it (" + thread.getName() + ")");
        ArrayDeque<TensorScope> open = OPEN.get();
        if (open.peek() != this)
            throw new IllegalStateException("TensorScopes must close innermost first (use try-with-resources)");
        open.pop();
        closed = true;
        return open.peek();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this TensorScope is closed");
    }
}
