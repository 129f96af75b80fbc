package io.medualtime.tensor.cpu;

/**
 * The vector SGEMM's cache block sizes (see {@link SgemmBlocked}), chosen once at start-up from the
 * core's L2 size ({@link CpuCaches}).
 *
 * <p>The micro-kernel keeps its MR x KC panel of A in L1 and streams the packed KC x NC block of B
 * past it, 4 vectors per 24 FMAs: at two 512-bit FMAs per cycle (Intel Sapphire Rapids) that is ~21
 * bytes per cycle, which L2 delivers and L3 does not. So where the L2 is big enough, NC is the widest
 * block that, with the packed A block (MC kept to 1/8 of L2: A's block needs no cache residency,
 * only its current panel, so a smaller MC costs nothing), fits 3/4 of L2. Where it is not (AMD Zen 4,
 * 1 MB: double-pumped 512-bit FMAs need half that rate, which its L3 keeps up with), a narrow
 * L2-sized block would make every row of A be packed many more times, and the measured Zen 4 tuning
 * (MC = 480, NC = 1536, B from L3) is kept; also when the caches are unknown.
 *
 * <p>KC is fixed: the k-slice boundaries set each element's summation order, so MC and NC change
 * speed only, never a result bit. Each size can be overridden with {@code -Dmedualtime.sgemm.kc/.mc/.nc}.
 */
record SgemmBlocking(int kc, int mc, int nc, String reason) {
    static final int KC = 384, MC_DEFAULT = 480, NC_DEFAULT = 1536;
    /** Below this many columns per B block, repacking A for every block costs more than L3 streaming saves. */
    static final int MIN_L2_NC = 768;

    /** The sizes for a kernel with an mr x nr micro-tile on a core with the given caches (null: unknown). */
    static SgemmBlocking forCaches(CpuCaches caches, int mr, int nr) {
        if (caches == null)
            return new SgemmBlocking(KC, MC_DEFAULT, NC_DEFAULT, "cache sizes unknown (no " + CpuCaches.SYSFS + "): Zen 4 defaults");
        long panelBytes = 4L * KC;                                // one row of A (or column of B) of a k-slice
        int mc = (int) Math.max(mr, caches.l2() / 8 / panelBytes / mr * mr);
        long nc = (caches.l2() * 3 / 4 - mc * panelBytes) / panelBytes / nr * nr;
        if (nc < MIN_L2_NC)
            return new SgemmBlocking(KC, MC_DEFAULT, NC_DEFAULT, caches + ": L2 too small for a " + KC + " x " + MIN_L2_NC
                    + " block of B, streamed from L3 (the Zen 4 tuning)");
        return new SgemmBlocking(KC, mc, (int) Math.min(nc, 1 << 16), caches + ": A and B blocks fit 3/4 of L2");
    }

    /** The sizes for this machine, system properties first. */
    static SgemmBlocking detect(int mr, int nr) {
        SgemmBlocking b = forCaches(CpuCaches.read(CpuCaches.SYSFS), mr, nr);
        if (b.reason.startsWith("cache sizes unknown"))
            System.getLogger("io.medualtime.tensor.cpu").log(System.Logger.Level.INFO, "SGEMM blocking: " + b.reason);
        int kc = override("kc", b.kc), mc = override("mc", b.mc), nc = override("nc", b.nc);
        if (kc == b.kc && mc == b.mc && nc == b.nc) return b;
        return new SgemmBlocking(kc, mc, nc, "set by -Dmedualtime.sgemm.kc/.mc/.nc (" + b.reason + ")");
    }

    /** -Dmedualtime.sgemm.NAME when it is a positive integer; otherwise (with a one-line warning if set) the chosen size. */
    static int override(String name, int chosen) {
        String key = "medualtime.sgemm." + name, value = System.getProperty(key);
        if (value == null) return chosen;
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 1) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        System.getLogger("io.medualtime.tensor.cpu").log(System.Logger.Level.WARNING,
                "-D" + key + "=" + value + " is not a positive integer: using " + chosen);
        return chosen;
    }
}
