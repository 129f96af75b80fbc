package io.medualtime.tensor.autograd;

/**
 * Whether ops record the graph on this thread. Use as
 * {@code try (var g = GradMode.noGrad()) { ... }} for inference or optimiser updates.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);
    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    public static boolean isEnabled() { return ENABLED.get(); }

    /** Disables recording until closed. */
    public static GradMode noGrad() { return new GradMode(false); }

    /** Re-enables recording until closed (inside a noGrad scope). */
    public static GradMode enableGrad() { return new GradMode(true); }

    @Override public void close() { ENABLED.set(previous); }
}
