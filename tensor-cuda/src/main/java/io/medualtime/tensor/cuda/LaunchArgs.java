package io.medualtime.tensor.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * How kernel arguments (Long for .u64/.s64, Integer for .u32/.s32, Float for .f32 parameters: the PTX
 * emulator checks every launch against the kernel's declarations) reach {@code cuLaunchKernel} through
 * JCuda, which resolves every pointer it is given in JNI - the cost of a launch grows with them.
 * Chosen with {@code -Dmedualtime.cuda.launchargs}:
 * <ul>
 *   <li>{@code arrays}: each argument in a fresh one-element Java array, copied in and out of the JNI
 *       call (H200: 9-13 us host time for 5 arguments, 26-35 us for the SGEMM's 21);</li>
 *   <li>{@code direct} (default): 8-byte slots of one reused direct buffer per thread, through pointers
 *       made once (8.5-9.5 and 16-21 us; the MedualTime step 38-41 -> 23 ms);</li>
 *   <li>{@code packed}: the arguments packed at their natural alignment into one buffer passed as
 *       cuLaunchKernel's {@code extra} (CU_LAUNCH_PARAM_BUFFER_POINTER / _SIZE): five pointers per
 *       launch whatever the count. Not yet run on a GPU (see bench/RESULTS.md).</li>
 * </ul>
 * cuLaunchKernel copies the values before it returns, so a buffer is free again at once.
 */
final class LaunchArgs {
    enum Mode { ARRAYS, DIRECT, PACKED }

    private LaunchArgs() {}

    /** The mode named by {@code -Dmedualtime.cuda.launchargs} (default direct). */
    static Mode configured() {
        String v = System.getProperty("medualtime.cuda.launchargs", "direct");
        try {
            return Mode.valueOf(v.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("-Dmedualtime.cuda.launchargs must be arrays, direct or packed, not '" + v + "'");
        }
    }

    /** Each argument in a fresh one-element Java array. */
    static Pointer arrays(String kernel, Object[] args) {
        NativePointerObject[] ps = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Long) ps[i] = Pointer.to(new long[]{(Long) a});
            else if (a instanceof Integer) ps[i] = Pointer.to(new int[]{(Integer) a});
            else if (a instanceof Float) ps[i] = Pointer.to(new float[]{(Float) a});
            else throw unsupported(kernel, i, a);
        }
        return Pointer.to(ps);
    }

    private static IllegalArgumentException unsupported(String kernel, int i, Object a) {
        return new IllegalArgumentException(kernel + ": argument " + i + " has unsupported type " + a);
    }

    /** {@code direct}: one 8-byte slot per argument; the kernelParams pointer for n arguments made once. */
    static final class Slots {
        static final int MAX = 32;
        private final ByteBuffer values = ByteBuffer.allocateDirect(8 * MAX).order(ByteOrder.nativeOrder());
        private final Pointer[] byCount = new Pointer[MAX + 1];

        /** The slot values (tests read them back). */
        ByteBuffer values() { return values; }

        /** kernelParams for {@code args} (at most MAX). */
        Pointer params(String kernel, Object[] args) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Long) values.putLong(8 * i, (Long) a);
                else if (a instanceof Integer) values.putInt(8 * i, (Integer) a);
                else if (a instanceof Float) values.putFloat(8 * i, (Float) a);
                else throw unsupported(kernel, i, a);
            }
            Pointer p = byCount[args.length];
            if (p == null) {
                NativePointerObject[] slots = new NativePointerObject[args.length];
                for (int i = 0; i < slots.length; i++) slots[i] = Pointer.to(values).withByteOffset(8L * i);
                p = byCount[args.length] = Pointer.to(slots);
            }
            return p;
        }
    }

    /**
     * {@code packed}: the arguments laid out as the kernel's parameter block (each at a multiple of its
     * size), passed with its length through cuLaunchKernel's {@code extra} array
     * {CU_LAUNCH_PARAM_BUFFER_POINTER, buffer, CU_LAUNCH_PARAM_BUFFER_SIZE, &size, CU_LAUNCH_PARAM_END}.
     */
    static final class Packed {
        static final int MAX_BYTES = 4096;         // CUDA's classic limit on a kernel's parameters
        private final ByteBuffer block = ByteBuffer.allocateDirect(MAX_BYTES).order(ByteOrder.nativeOrder());
        private final ByteBuffer size = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        private final Pointer extra = Pointer.to(new Marker(1), Pointer.to(block), new Marker(2), Pointer.to(size), new Marker(0));

        /** The parameter block (tests read it back). */
        ByteBuffer block() { return block; }

        /** Its length in bytes as last packed. */
        long length() { return size.getLong(0); }

        /** The {@code extra} array for {@code args}, or null when they do not fit (then use slots). */
        Pointer extra(String kernel, Object[] args) {
            int off = 0;
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                int bytes = a instanceof Long ? 8 : a instanceof Integer || a instanceof Float ? 4 : -1;
                if (bytes < 0) throw unsupported(kernel, i, a);
                off = (off + bytes - 1) / bytes * bytes;
                if (off + bytes > MAX_BYTES) return null;
                if (a instanceof Long) block.putLong(off, (Long) a);
                else if (a instanceof Integer) block.putInt(off, (Integer) a);
                else block.putFloat(off, (Float) a);
                off += bytes;
            }
            size.putLong(0, off);
            return extra;
        }

        /** CU_LAUNCH_PARAM_END / _BUFFER_POINTER / _BUFFER_SIZE: pointers whose value is 0, 1, 2. */
        private static final class Marker extends Pointer {
            Marker(long value) { super(value); }
        }
    }
}
