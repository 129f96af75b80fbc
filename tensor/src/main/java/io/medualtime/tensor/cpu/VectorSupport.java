package io.medualtime.tensor.cpu;

/**
 * Tells whether the JDK Vector API ({@code jdk.incubator.vector}) is available at run time.
 * Classes that touch {@code FloatVector} are only loaded when it is, so the library still runs
 * (on scalar kernels) on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
public final class VectorSupport {
    private static final System.Logger LOG = System.getLogger("io.medualtime.tensor.cpu");
    private static final boolean AVAILABLE = detect();

    private VectorSupport() {}

    private static boolean detect() {
        if (Boolean.getBoolean("medualtime.scalar")) {
            LOG.log(System.Logger.Level.INFO, "Vector API disabled by -Dmedualtime.scalar=true: using scalar CPU kernels");
            return false;
        }
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            LOG.log(System.Logger.Level.WARNING,
                    "jdk.incubator.vector not found (add --add-modules jdk.incubator.vector): using scalar CPU kernels");
        }
        return present;
    }

    /** True when the Vector API kernels are used. */
    public static boolean available() { return AVAILABLE; }
}
