package io.medualtime.tensor.cuda.emulator;

import java.util.Arrays;

import io.medualtime.tensor.cuda.emulator.PtxModule.Function;
import io.medualtime.tensor.cuda.emulator.PtxModule.Insn;
import io.medualtime.tensor.cuda.emulator.PtxModule.Mode;
import io.medualtime.tensor.cuda.emulator.PtxModule.Operand;
import io.medualtime.tensor.cuda.emulator.PtxModule.Space;
import io.medualtime.tensor.cuda.emulator.PtxModule.Type;

/**
 * Runs the thread blocks of one kernel launch, one block at a time, warp by warp ({@link PtxWarp}).
 * A warp runs until all its lanes exited or wait at {@code bar.sync}; when every warp is there, the
 * barrier opens. Warps one after another are a legal schedule of a race-free kernel, so results match
 * a GPU up to the order of atomic additions and the precision of the {@code .approx} instructions.
 * This class holds what the warps share (shared memory, parameters, block index) and the semantics of
 * each instruction for one lane.
 *
 * <p>Sanitizer checks on top (each fails the launch naming the kernel, block, thread and PTX line):
 * out-of-bounds, misaligned or freed global addresses (see {@link DeviceMemory}), shared memory out of
 * range, and a {@code shfl.sync} that not all lanes of the warp reach together.
 */
final class PtxBlock {

    private final PtxModule module;
    private final Function kernel;
    private final DeviceMemory memory;
    private final int bx, by, bz, gx, gy, gz;
    private final PtxWarp[] warps;
    private final int[] shared;
    private final long[] shuffled = new long[32];
    private long[] params;
    private int cx, cy, cz;

    PtxBlock(PtxModule module, Function kernel, DeviceMemory memory, int gx, int gy, int gz,
            int bx, int by, int bz, int dynamicSharedBytes) {
        this.module = module;
        this.kernel = kernel;
        this.memory = memory;
        this.gx = gx;
        this.gy = gy;
        this.gz = gz;
        this.bx = bx;
        this.by = by;
        this.bz = bz;
        int threads = bx * by * bz;
        warps = new PtxWarp[(threads + 31) / 32];
        for (int w = 0; w < warps.length; w++)
            warps[w] = new PtxWarp(this, 32 * w, Math.min(32, threads - 32 * w), bx, by, module.functions.size());
        shared = new int[(module.staticSharedBytes + dynamicSharedBytes + 3) / 4];
    }

    /** Runs block (cx, cy, cz) with the kernel's parameters as raw bits. */
    void run(long[] params, int cx, int cy, int cz) {
        this.params = params;
        this.cx = cx;
        this.cy = cy;
        this.cz = cz;
        Arrays.fill(shared, DeviceMemory.UNINITIALISED);
        for (PtxWarp w : warps) w.start(kernel);
        while (true) {
            boolean waiting = false;
            for (PtxWarp w : warps) {
                w.run();
                waiting |= w.atBarrier != 0;
            }
            if (!waiting) return;                       // every thread exited
            for (PtxWarp w : warps) w.releaseBarrier();
        }
    }

    Function function(int index) { return module.functions.get(index); }

    PtxFault fault(PtxWarp w, int lane, Insn in, String why, Throwable cause) {
        return new PtxFault(String.format("%s: kernel %s, block (%d,%d,%d), thread (%d,%d,%d): %s",
                in == null ? "kernels/" + module.name + ".ptx" : in.source, kernel.name, cx, cy, cz,
                w.x[lane], w.y[lane], w.z[lane], why), cause);
    }

    /** Thrown when a kernel does something invalid; names the kernel, block, thread and PTX line. */
    static final class PtxFault extends RuntimeException {
        PtxFault(String message, Throwable cause) { super(message, cause); }
    }

    /** shfl.sync for the whole warp (all lanes are in {@code m}): every lane reads another lane's value. */
    void shuffle(Insn in, PtxWarp w, int m, long[] r) {
        int n = Integer.bitCount(m);
        for (int l = 0; l < n; l++) shuffled[l] = value(in.src[0], w, l, r);
        for (int l = 0; l < n; l++) {
            int b = (int) value(in.src[1], w, l, r), c = (int) value(in.src[2], w, l, r);
            int clamp = c & 31, segmask = (c >>> 8) & 31;
            int maxLane = (l & segmask) | (clamp & ~segmask), minLane = l & segmask;
            int j;
            boolean ok;
            // @formatter:off
            switch (in.mode) {
                case UP: j = l - b; ok = j >= maxLane; break;
                case DOWN: j = l + b; ok = j <= maxLane; break;
                case BFLY: j = l ^ b; ok = j <= maxLane; break;
                default: j = minLane | (b & ~segmask); ok = j <= maxLane; break;   // idx
            }
            // @formatter:on
            set(in.dst[0], l, r, shuffled[ok && j < n ? j : l]);
        }
    }

    // ------------------------------------------------------------------------------------------
    // the hottest instruction forms for a whole group at once (GEMM inner loops are almost only these)

    static final int FAST_FMA_F32 = 1, FAST_ADD_F32 = 2, FAST_MUL_F32 = 3, FAST_MOV = 4, FAST_ADD_I32 = 5;

    /** The fast form of an instruction (all operands registers, except MOV's source), or 0. */
    static int fastForm(Insn in) {
        if (in.dst.length != 1 || in.dst[0].kind != Operand.REG) return 0;
        for (Operand o : in.src) if (o.kind != Operand.REG && !(in.op == PtxModule.Op.MOV && o.kind == Operand.IMM)) return 0;
        // @formatter:off
        switch (in.op) {
            case FMA: return in.type == Type.F32 ? FAST_FMA_F32 : 0;
            case ADD: return in.type == Type.F32 ? FAST_ADD_F32 : in.type.bits == 32 && !in.type.isFloat() ? FAST_ADD_I32 : 0;
            case MUL: return in.type == Type.F32 ? FAST_MUL_F32 : 0;
            case MOV: return FAST_MOV;
            default: return 0;
        }
        // @formatter:on
    }

    private static float f(long bits) { return Float.intBitsToFloat((int) bits); }

    /** Runs a fast-form instruction for the lanes in m. */
    static void executeFast(Insn in, int m, long[] r) {
        int d = in.dst[0].reg << 5;
        Operand[] s = in.src;
        int a = s[0].reg << 5, b = s.length > 1 ? s[1].reg << 5 : 0, c = s.length > 2 ? s[2].reg << 5 : 0;
        switch (in.fast) {
            case FAST_FMA_F32:
                for (int mm = m; mm != 0; mm &= mm - 1) {
                    int l = Integer.numberOfTrailingZeros(mm);
                    r[d | l] = Float.floatToRawIntBits(Math.fma(f(r[a | l]), f(r[b | l]), f(r[c | l])));
                }
                return;
            case FAST_ADD_F32:
                for (int mm = m; mm != 0; mm &= mm - 1) {
                    int l = Integer.numberOfTrailingZeros(mm);
                    r[d | l] = Float.floatToRawIntBits(f(r[a | l]) + f(r[b | l]));
                }
                return;
            case FAST_MUL_F32:
                for (int mm = m; mm != 0; mm &= mm - 1) {
                    int l = Integer.numberOfTrailingZeros(mm);
                    r[d | l] = Float.floatToRawIntBits(f(r[a | l]) * f(r[b | l]));
                }
                return;
            case FAST_ADD_I32:
                for (int mm = m; mm != 0; mm &= mm - 1) {
                    int l = Integer.numberOfTrailingZeros(mm);
                    r[d | l] = (int) r[a | l] + (int) r[b | l];
                }
                return;
            default: {                                    // FAST_MOV
                boolean imm = s[0].kind == Operand.IMM;
                long v = s[0].value;
                for (int mm = m; mm != 0; mm &= mm - 1) {
                    int l = Integer.numberOfTrailingZeros(mm);
                    r[d | l] = imm ? v : r[a | l];
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // one instruction for one lane (control flow is the warp's)

    void execute(Insn in, PtxWarp w, int l, long[] r) {
        Operand[] s = in.src;
        // @formatter:off
        switch (in.op) {
            case MOV: case CVTA: set(in.dst[0], l, r, value(s[0], w, l, r)); break;
            case ADD: set(in.dst[0], l, r, PtxMath.add(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case SUB: set(in.dst[0], l, r, PtxMath.sub(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case MUL: set(in.dst[0], l, r, PtxMath.mul(in.type, in.mode, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case MAD: {                                   // mad.f32 (sm_20+) is a fused multiply-add
                long a = value(s[0], w, l, r), b = value(s[1], w, l, r), c = value(s[2], w, l, r);
                set(in.dst[0], l, r, in.type.isFloat() ? PtxMath.fma(in.type, a, b, c)
                    : PtxMath.add(in.mode == Mode.WIDE ? Type.U64 : in.type, PtxMath.mul(in.type, in.mode, a, b), c));
                break;
            }
            case FMA: set(in.dst[0], l, r, PtxMath.fma(in.type, value(s[0], w, l, r), value(s[1], w, l, r), value(s[2], w, l, r))); break;
            case DIV: set(in.dst[0], l, r, PtxMath.div(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case REM: set(in.dst[0], l, r, PtxMath.rem(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case MIN: set(in.dst[0], l, r, PtxMath.min(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case MAX: set(in.dst[0], l, r, PtxMath.max(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case ABS: set(in.dst[0], l, r, PtxMath.abs(in.type, value(s[0], w, l, r))); break;
            case NEG: set(in.dst[0], l, r, PtxMath.neg(in.type, value(s[0], w, l, r))); break;
            case AND: set(in.dst[0], l, r, value(s[0], w, l, r) & value(s[1], w, l, r)); break;
            case OR: set(in.dst[0], l, r, value(s[0], w, l, r) | value(s[1], w, l, r)); break;
            case XOR: set(in.dst[0], l, r, value(s[0], w, l, r) ^ value(s[1], w, l, r)); break;
            case NOT: set(in.dst[0], l, r, in.type == Type.PRED ? (value(s[0], w, l, r) == 0 ? 1 : 0) : ~value(s[0], w, l, r)); break;
            case SHL: set(in.dst[0], l, r, PtxMath.shl(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case SHR: set(in.dst[0], l, r, PtxMath.shr(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case SETP: {
                boolean cmp = PtxMath.compare(in.type, in.mode, value(s[0], w, l, r), value(s[1], w, l, r));
                long c = s.length > 2 ? value(s[2], w, l, r) : 0;
                set(in.dst[0], l, r, PtxMath.combine(in.combine, cmp, c) ? 1 : 0);
                if (in.dst.length > 1) set(in.dst[1], l, r, PtxMath.combine(in.combine, !cmp, c) ? 1 : 0);
                break;
            }
            case SELP: set(in.dst[0], l, r, value(s[2], w, l, r) != 0 ? value(s[0], w, l, r) : value(s[1], w, l, r)); break;
            case CVT: set(in.dst[0], l, r, PtxMath.convert(in.type, in.srcType, in.mode, value(s[0], w, l, r))); break;
            case RCP: case SQRT: case RSQRT: case EX2: case LG2: case SIN: case COS:
                set(in.dst[0], l, r, PtxMath.unary(in.op, in.type, value(s[0], w, l, r)));
                break;
            case COPYSIGN: set(in.dst[0], l, r, PtxMath.copysign(in.type, value(s[0], w, l, r), value(s[1], w, l, r))); break;
            case LD: load(in, w, l, r); break;
            case ST: store(in, w, l, r); break;
            case RED: case ATOM: atomic(in, w, l, r); break;
            case NOP: break;
            default: throw new IllegalStateException("unhandled " + in.op);
        }
        // @formatter:on
    }

    long value(Operand o, PtxWarp w, int l, long[] r) {
        // @formatter:off
        switch (o.kind) {
            case Operand.REG: return r[(o.reg << 5) | l];
            case Operand.IMM: return o.value;
            case Operand.SPECIAL: return special((int) o.value, w, l);
            default: throw new IllegalStateException("operand of kind " + o.kind + " used as a value");
        }
        // @formatter:on
    }

    private long special(int code, PtxWarp w, int l) {
        // @formatter:off
        switch (code) {
            case Operand.TID_X: return w.x[l];
            case Operand.TID_Y: return w.y[l];
            case Operand.TID_Z: return w.z[l];
            case Operand.NTID_X: return bx;
            case Operand.NTID_Y: return by;
            case Operand.NTID_Z: return bz;
            case Operand.CTAID_X: return cx;
            case Operand.CTAID_Y: return cy;
            case Operand.CTAID_Z: return cz;
            case Operand.NCTAID_X: return gx;
            case Operand.NCTAID_Y: return gy;
            case Operand.NCTAID_Z: return gz;
            case Operand.LANEID: return l;
            case Operand.WARPID: return w.base >> 5;
            default: throw new IllegalStateException("special register " + code);
        }
        // @formatter:on
    }

    private static void set(Operand o, int l, long[] r, long v) {
        if (o.kind == Operand.REG) r[(o.reg << 5) | l] = v;
        else if (o.kind != Operand.SINK) throw new IllegalStateException("destination is not a register");
    }

    private long address(Operand o, int l, long[] r) {
        if (o.kind != Operand.ADDRESS) throw new IllegalStateException("expected an address operand");
        return (o.reg >= 0 ? r[(o.reg << 5) | l] : 0) + o.value;
    }

    private int sharedIndex(long address, int words) {
        if ((address & 3) != 0 || address < 0 || (address >>> 2) + words > shared.length)
            throw new IllegalStateException(String.format("shared-memory access at 0x%x outside the block's %d bytes (or misaligned)",
                    address, 4 * shared.length));
        return (int) (address >>> 2);
    }

    /** Words per element: 64-bit types take two (little-endian), everything else one. */
    private static int words(Type type) {
        return type.bits == 64 ? 2 : 1;
    }

    private void load(Insn in, PtxWarp w, int l, long[] r) {
        Operand src = in.src[0];
        if (in.space == Space.PARAM) {
            if (src.kind != Operand.PARAM || src.value != 0) throw new IllegalStateException("ld.param needs a kernel parameter name");
            set(in.dst[0], l, r, params[src.reg]);
            return;
        }
        int per = words(in.type), n = in.vector * per;
        long a = address(src, l, r);
        int[] mem;
        int base;
        if (in.space == Space.SHARED) {
            mem = shared;
            base = sharedIndex(a, n);
        } else {
            mem = memory.words(a, n);
            base = DeviceMemory.index(a);
        }
        if (in.vector == 1) { set(in.dst[0], l, r, word(mem, base, in.type)); return; }
        Operand[] elems = in.dst[0].elements;
        for (int i = 0; i < in.vector; i++) set(elems[i], l, r, word(mem, base + i * per, in.type));
    }

    private static long word(int[] mem, int i, Type type) {
        if (type.bits == 64) return (mem[i] & 0xFFFFFFFFL) | ((long) mem[i + 1] << 32);
        return mem[i];
    }

    private void store(Insn in, PtxWarp w, int l, long[] r) {
        if (in.space == Space.PARAM) throw new IllegalStateException("st.param is not supported");
        int per = words(in.type), n = in.vector * per;
        long a = address(in.src[0], l, r);
        int[] mem;
        int base;
        if (in.space == Space.SHARED) {
            mem = shared;
            base = sharedIndex(a, n);
        } else {
            mem = memory.words(a, n);
            base = DeviceMemory.index(a);
        }
        Operand v = in.src[1];
        for (int i = 0; i < in.vector; i++) {
            long x = value(in.vector == 1 ? v : v.elements[i], w, l, r);
            mem[base + i * per] = (int) x;
            if (per == 2) mem[base + i * per + 1] = (int) (x >>> 32);
        }
    }

    private void atomic(Insn in, PtxWarp w, int l, long[] r) {
        if (in.space != Space.GLOBAL || in.mode != Mode.ADD || in.type.bits != 32)
            throw new IllegalStateException("only red/atom.global.add on 32-bit types is supported");
        long a = address(in.src[0], l, r);
        long v = value(in.src[1], w, l, r);
        int old = in.type == Type.F32 ? memory.atomicAddFloat(a, Float.intBitsToFloat((int) v)) : memory.atomicAddInt(a, (int) v);
        if (in.op == PtxModule.Op.ATOM) set(in.dst[0], l, r, old);
    }
}
