package io.medualtime.tensor.io;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.cpu.CpuStorage;
import io.medualtime.tensor.cpu.VectorSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one check that values are finite (no NaN, no +-Infinity): weights when they are loaded,
 * outputs before they are printed or written. NaN is an error, never a silent result.
 *
 * <p>Failures are {@link IllegalArgumentException}s (unchecked, so any code can call this, lambdas
 * included) whose one-line message names {@code what}, the first bad element's flat index and its
 * value, e.g. {@code "model.safetensors: tensor 'h.0.mlp.c_fc.weight' holds a non-finite value:
 * element 17 is NaN"}. Loaders rethrow it as their checked file error with the same message.
 *
 * <p>The scan is vectorised (Vector API, when the JVM has it) and reads CPU, memory-mapped and
 * device tensors alike: heap tensors in place, the others in bounded host chunks.
 */
public final class FiniteCheck {
    private FiniteCheck() {}

    /** Elements copied to the host at a time for tensors not in a heap array (mapped, device). */
    private static final int CHUNK = 1 << 16;

    /** Throws if {@code t} holds NaN or an infinity; the message names {@code what}, the flat index and the value. */
    public static void requireFinite(String what, Tensor t) {
        Tensor c = t.contiguous();
        long bad = firstNonFinite(c);
        if (bad >= 0) throw error(what, bad, c.backend().toHost(new Span(c.storage(), c.offset() + (int) bad), 1)[0]);
    }

    /** Throws if {@code values} holds NaN or an infinity; the message names {@code what}, the index and the value. */
    public static void requireFinite(String what, float[] values) {
        int bad = firstNonFinite(values, 0, values.length);
        if (bad >= 0) throw error(what, bad, values[bad]);
    }

    /** The flat (row-major) index of the first non-finite element of {@code t}, or -1 when all are finite. */
    public static long firstNonFinite(Tensor t) {
        Tensor c = t.contiguous();
        int n = c.numel();
        if (c.storage() instanceof CpuStorage heap) {
            int bad = firstNonFinite(heap.data(), c.offset(), c.offset() + n);
            return bad < 0 ? -1 : bad - c.offset();
        }
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            int bad = firstNonFinite(c.backend().toHost(new Span(c.storage(), c.offset() + from), len), 0, len);
            if (bad >= 0) return from + bad;
        }
        return -1;
    }

    /** The index of the first non-finite element of {@code a[from, to)}, or -1. */
    public static int firstNonFinite(float[] a, int from, int to) {
        int i = VectorSupport.available() ? Vectorised.skipFinite(a, from, to) : from;
        for (; i < to; i++) if (!Float.isFinite(a[i])) return i;
        return -1;
    }

    private static IllegalArgumentException error(String what, long index, double value) {
        return new IllegalArgumentException(what + " holds a non-finite value: element " + index + " is " + value);
    }

    /** Touches the Vector API: loaded only when it is available (see {@link VectorSupport}). */
    private static final class Vectorised {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int BLOCK = 1024;   // a multiple of every species length

        /**
         * Skips whole blocks that are all finite: x * 0 is 0 for a finite x and NaN otherwise, and a
         * NaN survives the block's sum. Returns the start of the first block with a non-finite value,
         * or of the tail shorter than a block (the caller scans from there).
         */
        static int skipFinite(float[] a, int from, int to) {
            int i = from;
            for (; to - i >= BLOCK; i += BLOCK) {
                FloatVector acc = FloatVector.zero(S);
                for (int j = i; j < i + BLOCK; j += S.length()) acc = acc.add(FloatVector.fromArray(S, a, j).mul(0f));
                if (acc.compare(VectorOperators.NE, acc).anyTrue()) return i;   // NaN != NaN
            }
            return i;
        }
    }
}
