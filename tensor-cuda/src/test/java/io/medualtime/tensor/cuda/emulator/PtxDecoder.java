package io.medualtime.tensor.cuda.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.medualtime.tensor.cuda.emulator.PtxModule.Function;
import io.medualtime.tensor.cuda.emulator.PtxModule.Insn;
import io.medualtime.tensor.cuda.emulator.PtxModule.Mode;
import io.medualtime.tensor.cuda.emulator.PtxModule.Op;
import io.medualtime.tensor.cuda.emulator.PtxModule.Operand;
import io.medualtime.tensor.cuda.emulator.PtxModule.Space;
import io.medualtime.tensor.cuda.emulator.PtxModule.Type;

/**
 * Decodes one PTX instruction (opcode with its dot-modifiers, and operand texts) into an {@link Insn}:
 * which operation, on which type, with which modifiers. Unknown opcodes or modifiers throw
 * UnsupportedOperationException, which the parser reports with the file and line.
 */
final class PtxDecoder {

    private PtxDecoder() {}

    /** Name resolution of the enclosing function, supplied by the parser. */
    interface Names {
        Operand operand(String text, Type type);
        int label(String name);
        Function function(String name);
        int register(String name);
    }

    private static final Map<String, Mode> COMPARISONS = Map.ofEntries(Map.entry("eq", Mode.EQ), Map.entry("ne", Mode.NE),
            Map.entry("lt", Mode.LT), Map.entry("le", Mode.LE), Map.entry("gt", Mode.GT), Map.entry("ge", Mode.GE),
            Map.entry("lo", Mode.UNSIGNED_LT), Map.entry("ls", Mode.UNSIGNED_LE), Map.entry("hi", Mode.UNSIGNED_GT),
            Map.entry("hs", Mode.UNSIGNED_GE), Map.entry("equ", Mode.EQU), Map.entry("neu", Mode.NEU), Map.entry("ltu", Mode.LTU),
            Map.entry("leu", Mode.LEU), Map.entry("gtu", Mode.GTU), Map.entry("geu", Mode.GEU), Map.entry("num", Mode.NUM),
            Map.entry("nan", Mode.NAN));
    private static final Set<String> ROUNDING = Set.of("rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi");
    /** Modifiers that change nothing in a sequential emulation (caching, approximation, scope, sync). */
    private static final Set<String> IGNORED = Set.of("nc", "approx", "full", "ftz", "uni", "sync", "aligned",
            "to", "relaxed", "gpu", "cta", "sys", "volatile", "ca", "cg", "cs", "lu", "cv", "wb", "wt");

    static Insn decode(String[] parts, List<String> args, Names names, String source) {
        Op op = op(parts[0]);
        // bar.warp.sync: a warp's lanes meet and see each other's memory writes. Here a warp's lanes run
        // together and memory writes are seen at once: nothing to do (it is not the CTA-wide barrier)
        if (op == Op.BAR && parts.length > 1 && parts[1].equals("warp")) op = Op.NOP;
        Insn in = new Insn(op, source);
        List<Type> types = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i];
            Type t = Type.of(m);
            if (t != null) types.add(t);
            else if (op == Op.SETP && COMPARISONS.containsKey(m)) in.mode = COMPARISONS.get(m);
            else if (op == Op.SETP && Set.of("and", "or", "xor").contains(m)) in.combine = mode(m);
            else if ((op == Op.MUL || op == Op.MAD) && Set.of("lo", "hi", "wide").contains(m)) in.mode = mode(m);
            else if (ROUNDING.contains(m)) {
                if (op == Op.CVT) in.mode = mode(m);
            } else if (m.equals("global")) in.space = Space.GLOBAL;
            else if (m.equals("shared")) in.space = Space.SHARED;
            else if (m.equals("param")) in.space = Space.PARAM;
            else if (m.equals("v2") || m.equals("v4")) in.vector = m.charAt(1) - '0';
            else if (op == Op.SHFL && Set.of("up", "down", "bfly", "idx").contains(m)) in.mode = mode(m);
            else if ((op == Op.RED || op == Op.ATOM) && Set.of("add", "min", "max", "exch").contains(m)) in.mode = mode(m);
            else
                if (!IGNORED.contains(m) && !(op == Op.NOP || op == Op.BAR))
                    throw new UnsupportedOperationException("unsupported modifier ." + m);
        }
        if (op == Op.CVT) {
            if (types.size() != 2) throw new UnsupportedOperationException("cvt needs a destination and a source type");
            in.type = types.get(0);
            in.srcType = types.get(1);
        } else if (!types.isEmpty()) {
            in.type = types.get(types.size() - 1);
            in.srcType = in.type;
        }
        operands(in, args, names);
        in.fast = PtxBlock.fastForm(in);
        return in;
    }

    private static Mode mode(String m) { return Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT)); }

    private static Op op(String base) {
        // @formatter:off
        switch (base) {
            case "mov": return Op.MOV;
            case "add": return Op.ADD;
            case "sub": return Op.SUB;
            case "mul": return Op.MUL;
            case "mad": return Op.MAD;
            case "fma": return Op.FMA;
            case "div": return Op.DIV;
            case "rem": return Op.REM;
            case "min": return Op.MIN;
            case "max": return Op.MAX;
            case "abs": return Op.ABS;
            case "neg": return Op.NEG;
            case "and": return Op.AND;
            case "or": return Op.OR;
            case "xor": return Op.XOR;
            case "not": return Op.NOT;
            case "shl": return Op.SHL;
            case "shr": return Op.SHR;
            case "setp": return Op.SETP;
            case "selp": return Op.SELP;
            case "cvt": return Op.CVT;
            case "cvta": return Op.CVTA;
            case "ld": return Op.LD;
            case "st": return Op.ST;
            case "red": return Op.RED;
            case "atom": return Op.ATOM;
            case "bra": return Op.BRA;
            case "call": return Op.CALL;
            case "ret": return Op.RET;
            case "exit": return Op.EXIT;
            case "bar": case "barrier": return Op.BAR;
            case "shfl": return Op.SHFL;
            case "rcp": return Op.RCP;
            case "sqrt": return Op.SQRT;
            case "rsqrt": return Op.RSQRT;
            case "ex2": return Op.EX2;
            case "lg2": return Op.LG2;
            case "sin": return Op.SIN;
            case "cos": return Op.COS;
            case "copysign": return Op.COPYSIGN;
            case "membar": case "fence": return Op.NOP;
            default: throw new UnsupportedOperationException("unsupported instruction '" + base + "'");
        }
        // @formatter:on
    }

    private static void operands(Insn in, List<String> a, Names n) {
        Type t = in.type;
        switch (in.op) {
            case RET:
            case EXIT:
            case NOP:
                return;
            case BAR:
                return;                                       // every barrier is the CTA-wide barrier 0
            case BRA:
                in.target = n.label(a.get(0));
                return;
            case CALL: {
                // call (r1, r2), fn, (a1, a2)   or   call fn, (a1)   or   call (r), fn
                int i = 0;
                List<Operand> rets = new ArrayList<>(), params = new ArrayList<>();
                if (a.get(0).startsWith("(")) {
                    for (String r : inner(a.get(0))) rets.add(n.operand(r, null));
                    i = 1;
                }
                Function f = n.function(a.get(i).trim());
                if (a.size() > i + 1) for (String p : inner(a.get(i + 1))) params.add(n.operand(p, null));
                if (rets.size() != f.returnRegs.length || params.size() != f.paramRegs.length)
                    throw new UnsupportedOperationException("wrong number of arguments for " + f.name);
                in.target = f.index;
                in.dst = rets.toArray(new Operand[0]);
                in.src = params.toArray(new Operand[0]);
                return;
            }
            case SETP: {
                String[] d = a.get(0).split("\\|");
                in.dst = new Operand[d.length];
                for (int i = 0; i < d.length; i++) in.dst[i] = n.operand(d[i], Type.PRED);
                in.src = new Operand[a.size() - 1];
                for (int i = 1; i < a.size(); i++) in.src[i - 1] = n.operand(a.get(i), i <= 2 ? t : Type.PRED);
                return;
            }
            case SELP:
                in.dst = new Operand[]{n.operand(a.get(0), t)};
                in.src = new Operand[]{n.operand(a.get(1), t), n.operand(a.get(2), t), n.operand(a.get(3), Type.PRED)};
                return;
            case CVT:
                in.dst = new Operand[]{n.operand(a.get(0), t)};
                in.src = new Operand[]{n.operand(a.get(1), in.srcType)};
                return;
            case LD:
                in.dst = new Operand[]{n.operand(a.get(0), t)};
                in.src = new Operand[]{n.operand(a.get(1), Type.U64)};
                return;
            case ST:
            case RED:
                in.src = new Operand[]{n.operand(a.get(0), Type.U64), n.operand(a.get(1), t)};
                return;
            case ATOM:
                in.dst = new Operand[]{n.operand(a.get(0), t)};
                in.src = new Operand[]{n.operand(a.get(1), Type.U64), n.operand(a.get(2), t)};
                return;
            case SHFL: {
                in.dst = new Operand[]{n.operand(a.get(0).split("\\|")[0], t)};
                in.src = new Operand[a.size() - 1];
                for (int i = 1; i < a.size(); i++) in.src[i - 1] = n.operand(a.get(i), i == 1 ? t : Type.U32);
                return;
            }
            case SHL:
            case SHR:
                in.dst = new Operand[]{n.operand(a.get(0), t)};
                in.src = new Operand[]{n.operand(a.get(1), t), n.operand(a.get(2), Type.U32)};
                return;
            default: {
                Type dt = in.mode == Mode.WIDE ? (t.isSigned() ? Type.S64 : Type.U64) : t;
                in.dst = new Operand[]{n.operand(a.get(0), dt)};
                in.src = new Operand[a.size() - 1];
                for (int i = 1; i < a.size(); i++)          // mad.wide: the addend is wide too
                    in.src[i - 1] = n.operand(a.get(i), i == 3 && in.mode == Mode.WIDE ? dt : t);
            }
        }
    }

    private static List<String> inner(String parenthesised) {
        String s = parenthesised.trim();
        if (!s.startsWith("(") || !s.endsWith(")")) throw new UnsupportedOperationException("expected (...) in call");
        return PtxParser.splitTop(s.substring(1, s.length() - 1));
    }
}
