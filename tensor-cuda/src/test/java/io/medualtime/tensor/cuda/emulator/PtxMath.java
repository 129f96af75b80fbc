package io.medualtime.tensor.cuda.emulator;

import io.medualtime.tensor.cuda.emulator.PtxModule.Mode;
import io.medualtime.tensor.cuda.emulator.PtxModule.Op;
import io.medualtime.tensor.cuda.emulator.PtxModule.Type;

/**
 * The arithmetic of PTX instructions on register values. A register is a long: 32-bit values live in
 * the low half (kept sign-extended, so {@code (int) v} reads them), f32 as float bits, f64 as double
 * bits, predicates as 0 / 1. Semantics follow the PTX ISA, including where Java differs: shifts by
 * the width or more give 0 (or the sign), integer division by zero gives all ones instead of
 * throwing, {@code min}/{@code max} ignore a NaN operand, {@code setp.ne} is false for NaN.
 */
final class PtxMath {

    private PtxMath() {}

    private static long i32(int v) { return v; }
    private static float f(long v) { return Float.intBitsToFloat((int) v); }
    private static long f(float v) { return Float.floatToRawIntBits(v); }
    private static double d(long v) { return Double.longBitsToDouble(v); }
    private static long d(double v) { return Double.doubleToRawLongBits(v); }
    private static long u32(long v) { return v & 0xFFFFFFFFL; }

    static long add(Type t, long a, long b) {
        // @formatter:off
        switch (t) {
            case F32: return f(f(a) + f(b));
            case F64: return d(d(a) + d(b));
            default: return t.bits == 32 ? i32((int) a + (int) b) : a + b;
        }
        // @formatter:on
    }

    static long sub(Type t, long a, long b) {
        // @formatter:off
        switch (t) {
            case F32: return f(f(a) - f(b));
            case F64: return d(d(a) - d(b));
            default: return t.bits == 32 ? i32((int) a - (int) b) : a - b;
        }
        // @formatter:on
    }

    /** mul: floats, or integers with mode lo (default), hi or wide (32 x 32 -> 64). */
    static long mul(Type t, Mode mode, long a, long b) {
        if (t == Type.F32) return f(f(a) * f(b));
        if (t == Type.F64) return d(d(a) * d(b));
        boolean signed = t.isSigned();
        if (t.bits == 32) {
            long wide = signed ? (long) (int) a * (int) b : u32(a) * u32(b);
            return mode == Mode.WIDE ? wide : mode == Mode.HI ? i32((int) (wide >> 32)) : i32((int) wide);
        }
        if (mode == Mode.WIDE) throw new IllegalStateException("mul.wide on 64-bit operands");
        if (mode == Mode.HI) {
            long hi = Math.multiplyHigh(a, b);
            return signed ? hi : hi + ((a >> 63) & b) + ((b >> 63) & a);
        }
        return a * b;
    }

    static long fma(Type t, long a, long b, long c) {
        if (t == Type.F32) return f(Math.fma(f(a), f(b), f(c)));
        if (t == Type.F64) return d(Math.fma(d(a), d(b), d(c)));
        throw new IllegalStateException("fma on " + t);
    }

    static long div(Type t, long a, long b) {
        // @formatter:off
        switch (t) {
            case F32: return f(f(a) / f(b));
            case F64: return d(d(a) / d(b));
            case S32: return (int) b == 0 ? -1 : i32((int) a / (int) b);
            case S64: return b == 0 ? -1 : a / b;
            default:
                if (t.bits == 32) return (int) b == 0 ? -1 : i32(Integer.divideUnsigned((int) a, (int) b));
                return b == 0 ? -1 : Long.divideUnsigned(a, b);
        }
        // @formatter:on
    }

    static long rem(Type t, long a, long b) {
        switch (t) {
            case S32:
                return (int) b == 0 ? a : i32((int) a % (int) b);
            case S64:
                return b == 0 ? a : a % b;
            default:
                if (t.isFloat()) throw new IllegalStateException("rem on " + t);
                if (t.bits == 32) return (int) b == 0 ? a : i32(Integer.remainderUnsigned((int) a, (int) b));
                return b == 0 ? a : Long.remainderUnsigned(a, b);
        }
    }

    private static int cmpInt(Type t, long a, long b) {
        if (t.bits == 32) return t.isSigned() ? Integer.compare((int) a, (int) b) : Integer.compareUnsigned((int) a, (int) b);
        return t.isSigned() ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    static long min(Type t, long a, long b) { return minMax(t, a, b, false); }
    static long max(Type t, long a, long b) { return minMax(t, a, b, true); }

    /** min / max: a NaN operand is ignored; integers compare by the type's signedness. */
    private static long minMax(Type t, long a, long b, boolean max) {
        if (t == Type.F32) {
            float x = f(a), y = f(b);
            return Float.isNaN(x) ? b : Float.isNaN(y) ? a : f(max ? Math.max(x, y) : Math.min(x, y));
        }
        if (t == Type.F64) {
            double x = d(a), y = d(b);
            return Double.isNaN(x) ? b : Double.isNaN(y) ? a : d(max ? Math.max(x, y) : Math.min(x, y));
        }
        int c = cmpInt(t, a, b);
        return (max ? c >= 0 : c <= 0) ? a : b;
    }

    static long abs(Type t, long a) {
        // @formatter:off
        switch (t) {
            case F32: return a & 0x7FFFFFFFL;
            case F64: return a & Long.MAX_VALUE;
            default: return t.bits == 32 ? i32(Math.abs((int) a)) : Math.abs(a);
        }
        // @formatter:on
    }

    static long neg(Type t, long a) {
        // @formatter:off
        switch (t) {
            case F32: return i32((int) a ^ 0x80000000);
            case F64: return a ^ Long.MIN_VALUE;
            default: return t.bits == 32 ? i32(-(int) a) : -a;
        }
        // @formatter:on
    }

    static long shl(Type t, long a, long amount) {
        long n = u32(amount);
        if (t.bits == 32) return n >= 32 ? 0 : i32((int) a << n);
        return n >= 64 ? 0 : a << n;
    }

    static long shr(Type t, long a, long amount) {
        long n = u32(amount);
        if (t.bits == 32) {
            if (t.isSigned()) return i32((int) a >> Math.min(n, 31));
            return n >= 32 ? 0 : i32((int) a >>> n);
        }
        if (t.isSigned()) return a >> Math.min(n, 63);
        return n >= 64 ? 0 : a >>> n;
    }

    /** setp's comparison; float comparisons are ordered (false with NaN) unless suffixed 'u'. */
    static boolean compare(Type t, Mode op, long a, long b) {
        if (t.isFloat()) {
            double x = t == Type.F32 ? f(a) : d(a), y = t == Type.F32 ? f(b) : d(b);
            boolean nan = Double.isNaN(x) || Double.isNaN(y);
            // @formatter:off
            switch (op) {
                case EQ: return !nan && x == y;
                case NE: return !nan && x != y;
                case LT: return !nan && x < y;
                case LE: return !nan && x <= y;
                case GT: return !nan && x > y;
                case GE: return !nan && x >= y;
                case EQU: return nan || x == y;
                case NEU: return nan || x != y;
                case LTU: return nan || x < y;
                case LEU: return nan || x <= y;
                case GTU: return nan || x > y;
                case GEU: return nan || x >= y;
                case NUM: return !nan;
                case NAN: return nan;
                default: throw new IllegalStateException("setp." + op + " on " + t);
            }
            // @formatter:on
        }
        if (t == Type.PRED) {
            // @formatter:off
            switch (op) {
                case EQ: return (a != 0) == (b != 0);
                case NE: return (a != 0) != (b != 0);
                default: throw new IllegalStateException("setp." + op + " on pred");
            }
            // @formatter:on
        }
        // @formatter:off
        switch (op) {
            case EQ: return t.bits == 32 ? (int) a == (int) b : a == b;
            case NE: return t.bits == 32 ? (int) a != (int) b : a != b;
            case LT: return cmpInt(t, a, b) < 0;
            case LE: return cmpInt(t, a, b) <= 0;
            case GT: return cmpInt(t, a, b) > 0;
            case GE: return cmpInt(t, a, b) >= 0;
            case UNSIGNED_LT: return cmpUnsigned(t, a, b) < 0;
            case UNSIGNED_LE: return cmpUnsigned(t, a, b) <= 0;
            case UNSIGNED_GT: return cmpUnsigned(t, a, b) > 0;
            case UNSIGNED_GE: return cmpUnsigned(t, a, b) >= 0;
            default: throw new IllegalStateException("setp." + op + " on " + t);
        }
        // @formatter:on
    }

    private static int cmpUnsigned(Type t, long a, long b) {
        return t.bits == 32 ? Integer.compareUnsigned((int) a, (int) b) : Long.compareUnsigned(a, b);
    }

    /** setp's optional .and/.or/.xor with a third predicate operand. */
    static boolean combine(Mode how, boolean cmp, long pred) {
        boolean c = pred != 0;
        // @formatter:off
        switch (how) {
            case AND: return cmp && c;
            case OR: return cmp || c;
            case XOR: return cmp ^ c;
            default: return cmp;
        }
        // @formatter:on
    }

    /** cvt.&lt;rounding&gt;.dst.src. */
    static long convert(Type dst, Type src, Mode rounding, long v) {
        if (dst.isFloat() && src.isFloat()) {
            double x = src == Type.F32 ? f(v) : d(v);
            x = roundIntegral(x, rounding);                   // only the .rXi modes round to an integer
            return dst == Type.F32 ? f((float) x) : d(x);
        }
        if (dst.isFloat()) {                                  // integer -> float, round to nearest
            if (src.bits == 32) {
                long x = src.isSigned() ? (int) v : u32(v);
                return dst == Type.F32 ? f((float) x) : d((double) x);
            }
            if (src.isSigned() || v >= 0) return dst == Type.F32 ? f((float) v) : d((double) v);
            double x = (double) (v >>> 1) * 2.0 + (v & 1);  // unsigned 64-bit above 2^63
            return dst == Type.F32 ? f((float) x) : d(x);
        }
        if (src.isFloat()) {                                  // float -> integer: round, then saturate (NaN -> 0)
            double x = roundIntegral(src == Type.F32 ? f(v) : d(v), rounding == Mode.NONE ? Mode.RZI : rounding);
            if (Double.isNaN(x)) return 0;
            if (dst.bits == 32) {
                if (dst.isSigned()) return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, x));
                return i32((int) (long) Math.max(0, Math.min(4294967295.0, x)));
            }
            if (dst.isSigned()) return (long) x;
            return x <= 0
                    ? 0
                    : x >= 18446744073709551615.0
                            ? -1L
                            : x >= 9223372036854775808.0
                                    ? (long) (x - 9223372036854775808.0) ^ Long.MIN_VALUE
                                    : (long) x;
        }
        // integer -> integer: truncate or extend by the source's signedness
        long x = src.bits == 32 ? (src.isSigned() ? (int) v : u32(v)) : v;
        return dst.bits == 32 ? i32((int) x) : x;
    }

    private static double roundIntegral(double x, Mode mode) {
        // @formatter:off
        switch (mode) {
            case RNI: return Math.rint(x);
            case RZI: return x < 0 ? Math.ceil(x) : Math.floor(x);
            case RMI: return Math.floor(x);
            case RPI: return Math.ceil(x);
            default: return x;
        }
        // @formatter:on
    }

    /** rcp, sqrt, rsqrt, ex2, lg2, sin, cos: exact (correctly rounded from double) also for .approx. */
    static long unary(Op op, Type t, long a) {
        double x = t == Type.F32 ? f(a) : d(a), r;
        // @formatter:off
        switch (op) {
            case RCP: if (t == Type.F32) return f(1f / f(a)); r = 1.0 / x; break;   // float division: correctly rounded
            case SQRT: r = Math.sqrt(x); break;
            case RSQRT: r = 1.0 / Math.sqrt(x); break;
            case EX2: r = Math.pow(2.0, x); break;
            case LG2: r = Math.log(x) / Math.log(2.0); break;
            case SIN: r = Math.sin(x); break;
            case COS: r = Math.cos(x); break;
            default: throw new IllegalStateException(op.toString());
        }
        // @formatter:on
        return t == Type.F32 ? f((float) r) : d(r);
    }

    /** copysign d, a, b: b with the sign of a (PTX operand order). */
    static long copysign(Type t, long a, long b) {
        if (t == Type.F32) return i32(((int) b & 0x7FFFFFFF) | ((int) a & 0x80000000));
        return (b & Long.MAX_VALUE) | (a & Long.MIN_VALUE);
    }
}
