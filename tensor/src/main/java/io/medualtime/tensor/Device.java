package io.medualtime.tensor;

/** Where a tensor's storage lives. */
public enum Device {
    CPU, CUDA;

    /** Parses "cpu" or "cuda" (case-insensitive), with a clear error for anything else. */
    public static Device parse(String s) {
        // @formatter:off
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu": return CPU;
            case "cuda": case "gpu": return CUDA;
            default: throw new IllegalArgumentException("unknown device '" + s + "' (expected cpu or cuda)");
        }
        // @formatter:on
    }
}
