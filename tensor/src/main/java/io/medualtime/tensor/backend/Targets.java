package io.medualtime.tensor.backend;

/** Class indices of a cross-entropy, one per row (host memory); rows whose target is {@code ignoreIndex} do not count. */
public record Targets(int[] classes, int ignoreIndex) {
    public Targets {
        if (classes == null) throw new IllegalArgumentException("cross-entropy targets are null");
    }
}
