package io.medualtime.tensor.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data cache sizes of one core of the CPU this JVM runs on (bytes; 0 = not reported), as Linux
 * lists them under {@code /sys/devices/system/cpu/cpu0/cache/index<i>/{level,type,size}}. The JVM
 * itself exposes no cache sizes, and other systems have no such files: {@link #read} then gives null.
 */
record CpuCaches(long l1d, long l2, long l3) {
    /** Where Linux describes cpu0's caches. */
    static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /** The caches listed under dir (laid out as {@link #SYSFS}), or null when it lists no L2 (absent, unreadable, malformed). */
    static CpuCaches read(Path dir) {
        long l1d = 0, l2 = 0, l3 = 0;
        for (int i = 0; i < 16; i++) {
            Path index = dir.resolve("index" + i);
            if (!Files.isDirectory(index)) continue;
            try {
                String type = Files.readString(index.resolve("type")).trim();
                if (type.equals("Instruction")) continue;
                int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                long size = parseSize(Files.readString(index.resolve("size")).trim());
                if (level == 1) l1d = size;
                else if (level == 2) l2 = size;
                else if (level == 3) l3 = size;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return l2 > 0 ? new CpuCaches(l1d, l2, l3) : null;
    }

    /** "32K", "2048K", "2M" or a plain byte count, as sysfs writes cache sizes. */
    static long parseSize(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long scale = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
        String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
        long v = Long.parseLong(digits);
        if (v <= 0) throw new NumberFormatException("cache size must be positive, got " + s);
        return v * scale;
    }

    @Override public String toString() {
        return "L1d " + (l1d >> 10) + " KB, L2 " + (l2 >> 10) + " KB, L3 " + (l3 >> 10) + " KB";
    }
}
