package io.medualtime.tensor.cuda.emulator;

import java.util.List;
import java.util.Map;

/**
 * A parsed PTX module, ready to interpret: its functions (kernels and the {@code .func} helpers they
 * call) with their instructions decoded once, and the layout of its {@code .shared} variables.
 * Made by {@link PtxParser}; run by {@link PtxBlock}.
 */
final class PtxModule {
    final String name;                       // e.g. "reduce" for kernels/reduce.ptx
    final List<Function> functions;          // index = Function.index
    final Map<String, Function> byName;
    final int staticSharedBytes;             // all .shared variables of the module, laid out in one window

    PtxModule(String name, List<Function> functions, Map<String, Function> byName, int staticSharedBytes) {
        this.name = name;
        this.functions = functions;
        this.byName = byName;
        this.staticSharedBytes = staticSharedBytes;
    }

    /** An entry (kernel) or a .func helper. Registers are numbered per function; each has its own frame. */
    static final class Function {
        final int index;
        final String name;
        final boolean entry;
        final String[] paramNames;          // entry: .param names; func: parameter registers
        final Type[] paramTypes;
        int[] paramRegs = new int[0];       // func: registers that receive the arguments
        int[] returnRegs = new int[0];      // func: registers whose values are returned
        Insn[] code;
        int registerCount;

        Function(int index, String name, boolean entry, String[] paramNames, Type[] paramTypes) {
            this.index = index;
            this.name = name;
            this.entry = entry;
            this.paramNames = paramNames;
            this.paramTypes = paramTypes;
        }
    }

    /** Operand and instruction types. Registers hold every type in a long (32-bit values in the low half). */
    enum Type {
        PRED(1), B32(32), U32(32), S32(32), B64(64), U64(64), S64(64), F32(32), F64(64);
        final int bits;
        Type(int bits) { this.bits = bits; }

        boolean isFloat() { return this == F32 || this == F64; }
        boolean isSigned() { return this == S32 || this == S64; }

        static Type of(String s) {
            // @formatter:off
            switch (s) {
                case "pred": return PRED;
                case "b32": return B32;
                case "u32": return U32;
                case "s32": return S32;
                case "b64": return B64;
                case "u64": return U64;
                case "s64": return S64;
                case "f32": return F32;
                case "f64": return F64;
                default: return null;
            }
            // @formatter:on
        }
    }

    enum Op {
        MOV, ADD, SUB, MUL, MAD, FMA, DIV, REM, MIN, MAX, ABS, NEG, AND, OR, XOR, NOT, SHL, SHR, SETP, SELP, CVT, CVTA, LD, ST, RED, ATOM, BRA, CALL, RET, EXIT, BAR, SHFL, RCP, SQRT, RSQRT, EX2, LG2, SIN, COS, COPYSIGN, NOP
    }

    enum Space { GLOBAL, SHARED, PARAM }

    /** Instruction modifiers the interpreter acts on (decoded once, so no string compares at run time). */
    enum Mode {
        NONE, LO, HI, WIDE,                                             // mul, mad
        EQ, NE, LT, LE, GT, GE, EQU, NEU, LTU, LEU, GTU, GEU, NUM, NAN,  // setp
        UNSIGNED_LT, UNSIGNED_LE, UNSIGNED_GT, UNSIGNED_GE,       // setp .lo .ls .hi .hs
        AND, OR, XOR,                                             // setp's combining operation
        RN, RZ, RM, RP, RNI, RZI, RMI, RPI,                       // cvt rounding
        UP, DOWN, BFLY, IDX,                                      // shfl
        ADD, MIN, MAX, EXCH                                       // red, atom
    }

    /** One decoded instruction. Fields not used by an op keep their defaults. */
    static final class Insn {
        final Op op;
        final String source;        // "kernels/reduce.ptx:123: ld.global.f32 x, [a]" for error messages
        int guard = -1;             // predicate register, -1 = always
        boolean guardNegated;
        Type type, srcType;         // srcType: cvt's source, setp's comparison type (= type)
        Mode mode = Mode.NONE;      // setp comparison, mul/mad lo|hi|wide, cvt rounding, shfl mode, red/atom op
        Mode combine = Mode.NONE;   // setp .and/.or/.xor
        Space space;
        int vector = 1;             // ld/st .v2/.v4
        Operand[] dst = new Operand[0];
        Operand[] src = new Operand[0];
        int target = -1;            // bra: pc; call: function index
        int fast;                   // a PtxBlock.FAST_* form the warp runs in one tight loop, or 0

        Insn(Op op, String source) {
            this.op = op;
            this.source = source;
        }

        @Override public String toString() { return source; }
    }

    /** An operand: a register, an immediate, a special register, an address or a vector of registers. */
    static final class Operand {
        static final int REG = 0, IMM = 1, SPECIAL = 2, ADDRESS = 3, PARAM = 4, VECTOR = 5, SINK = 6;
        // special registers
        static final int TID_X = 0, TID_Y = 1, TID_Z = 2, NTID_X = 3, NTID_Y = 4, NTID_Z = 5,
                CTAID_X = 6, CTAID_Y = 7, CTAID_Z = 8, NCTAID_X = 9, NCTAID_Y = 10, NCTAID_Z = 11, LANEID = 12, WARPID = 13;

        final int kind;
        int reg = -1;               // REG; ADDRESS with a register base; PARAM: parameter index
        long value;                 // IMM value (f32: float bits); SPECIAL code; ADDRESS/PARAM: byte offset
        Operand[] elements;         // VECTOR

        Operand(int kind) { this.kind = kind; }

        static Operand reg(int r) { Operand o = new Operand(REG); o.reg = r; return o; }
        static Operand imm(long v) { Operand o = new Operand(IMM); o.value = v; return o; }
    }
}
