package io.medualtime.tensor.cuda.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.medualtime.tensor.cuda.emulator.PtxModule.Function;
import io.medualtime.tensor.cuda.emulator.PtxModule.Insn;
import io.medualtime.tensor.cuda.emulator.PtxModule.Op;
import io.medualtime.tensor.cuda.emulator.PtxModule.Operand;
import io.medualtime.tensor.cuda.emulator.PtxModule.Type;

/**
 * Parses the PTX subset our handwritten kernels use into a {@link PtxModule}: module- and
 * function-level {@code .shared} arrays, {@code .entry} kernels with {@code .param}s, {@code .func}
 * helpers with register parameters and returns, {@code .reg} declarations (including {@code r<8>}
 * ranges), labels, predicated instructions. Anything else is rejected with the file, line and text,
 * so a kernel the emulator cannot run fails loudly instead of running wrongly.
 */
final class PtxParser {

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([\\w$]+)\\s*\\(([^)]*)\\)");
    private static final Pattern FUNC = Pattern.compile("\\.func\\s*(?:\\(([^)]*)\\))?\\s*([\\w$]+)\\s*(?:\\(([^)]*)\\))?");
    private static final Pattern REG_RANGE = Pattern.compile("([%\\w$]+)<(\\d+)>");   // r<8>: r0 .. r7
    private static final Pattern LABEL = Pattern.compile("^\\s*([A-Za-z_$][\\w$]*)\\s*:(?!:)");
    private static final Pattern SHARED = Pattern.compile(
            "\\.shared\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([\\w$]+)\\s*(?:\\[(\\d*)\\])?");

    /** A statement of a function body: text without the ';' and its line. */
    private record Statement(String text, int line) {}

    private record RawFunction(Function function, List<Statement> body, Map<String, Integer> shared,
            List<String> returns, List<String> params) {}

    private final String file;
    private final List<Function> functions = new ArrayList<>();
    private final Map<String, Function> byName = new LinkedHashMap<>();
    private final Map<String, Integer> moduleShared = new HashMap<>();
    private int sharedBytes;

    private PtxParser(String file) { this.file = file; }

    /** Parses the text of kernels/&lt;name&gt;.ptx. */
    static PtxModule parse(String name, String text) {
        PtxParser p = new PtxParser("kernels/" + name + ".ptx");
        List<RawFunction> raw = p.split(stripComments(text));
        for (RawFunction f : raw) p.decodeBody(f);
        return new PtxModule(name, p.functions, p.byName, p.sharedBytes);
    }

    /** Comments become spaces (newlines kept, so line numbers stay right). */
    static String stripComments(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') i++;
                if (i < s.length()) b.append('\n');
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) end = s.length() - 2;
                for (int k = i; k < end + 2; k++) b.append(s.charAt(k) == '\n' ? '\n' : ' ');
                i = end + 1;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private IllegalArgumentException error(int line, String text, String why) {
        return new IllegalArgumentException(file + ":" + line + ": " + why + ": '" + text.trim() + "'");
    }

    /** Pass 1: module directives, shared variables, function headers and their statements. */
    private List<RawFunction> split(String text) {
        List<RawFunction> out = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int line = 1, chunkLine = 1, depth = 0;
        boolean inVector = false;               // inside an operand like {a, b, c, d}
        boolean blank = true;                   // the chunk so far is whitespace
        RawFunction current = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (depth > 0 && (c == '{' && !blank || c == '}' && inVector)) {
                inVector = c == '{';
                chunk.append(c);
            } else if (c == ';' || c == '{' || c == '}') {
                String s = chunk.toString();
                if (depth == 0) {
                    if (c == '{') {
                        current = header(s, chunkLine);
                        out.add(current);
                    } else if (c == ';') {
                        moduleStatement(s, chunkLine);
                    } else {
                        throw error(line, s, "unbalanced '}'");
                    }
                } else if (!s.isBlank()) {
                    current.body.add(new Statement(s, chunkLine));
                }
                if (c == '{') depth++;
                if (c == '}') {
                    depth--;
                    if (depth == 0) current = null;
                }
                chunk.setLength(0);
                blank = true;
                chunkLine = line;
            } else {
                if (blank) chunkLine = line;
                blank &= Character.isWhitespace(c);
                chunk.append(c);
            }
            if (c == '\n') line++;
        }
        if (depth != 0) throw error(line, "", "unterminated function body");
        return out;
    }

    private static String withoutDirectives(String s) {
        return s.replaceAll("\\.(version|target|address_size)\\s+[\\w.,\\s]*?(?=\\n|$)", " ").trim();
    }

    private void moduleStatement(String s, int line) {
        String t = withoutDirectives(s);
        if (t.isEmpty()) return;
        if (t.startsWith(".shared")) {
            declareShared(t, line, moduleShared);
        } else if (!t.contains(".func")) { // a .func prototype declares nothing we need
            throw error(line, t, "unsupported module-level statement");
        }
    }

    private void declareShared(String t, int line, Map<String, Integer> scope) {
        Matcher m = SHARED.matcher(t);
        if (!m.find()) throw error(line, t, "cannot parse .shared declaration");
        int align = m.group(1) == null ? 4 : Integer.parseInt(m.group(1));
        Type type = Type.of(m.group(2));
        int elem = m.group(2).equals("b8") ? 1 : type == null ? -1 : type.bits / 8;
        if (elem < 1 || m.group(4) == null && t.contains("[")) throw error(line, t, "unsupported .shared declaration");
        int count = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        sharedBytes = (sharedBytes + align - 1) / align * align;
        scope.put(m.group(3), sharedBytes);
        sharedBytes += elem * count;
    }

    private RawFunction header(String s, int line) {
        String t = withoutDirectives(s);
        Matcher e = ENTRY.matcher(t);
        Function f;
        List<String> regParams = new ArrayList<>(), regReturns = new ArrayList<>();
        if (e.find()) {
            List<String> names = new ArrayList<>();
            List<Type> types = new ArrayList<>();
            for (String p : splitTop(e.group(2))) {
                String[] w = p.trim().split("\\s+");
                if (w.length != 3 || !w[0].equals(".param") || Type.of(w[1].substring(1)) == null)
                    throw error(line, p, "unsupported kernel parameter");
                types.add(Type.of(w[1].substring(1)));
                names.add(w[2]);
            }
            f = new Function(functions.size(), e.group(1), true, names.toArray(new String[0]), types.toArray(new Type[0]));
        } else {
            Matcher fm = FUNC.matcher(t);
            if (!fm.find()) throw error(line, t, "expected a .entry or .func header");
            regReturns = regList(fm.group(1), line);
            regParams = regList(fm.group(3), line);
            f = new Function(functions.size(), fm.group(2), false, regParams.toArray(new String[0]), new Type[0]);
            f.paramRegs = new int[regParams.size()];      // sized now (calls are checked against them), filled in pass 2
            f.returnRegs = new int[regReturns.size()];
        }
        if (byName.containsKey(f.name)) throw error(line, t, "function defined twice");
        functions.add(f);
        byName.put(f.name, f);
        RawFunction raw = new RawFunction(f, new ArrayList<>(), new HashMap<>(), regReturns, regParams);
        // register parameters and returns become ordinary declarations of the body
        for (String r : regReturns) raw.body.add(new Statement(".reg " + r, line));
        for (String r : regParams) raw.body.add(new Statement(".reg " + r, line));
        return raw;
    }

    /** ".reg .f32 r, .reg .u32 k" -> [".f32 r", ".u32 k"]. */
    private List<String> regList(String s, int line) {
        List<String> out = new ArrayList<>();
        if (s == null || s.isBlank()) return out;
        for (String p : splitTop(s)) {
            String q = p.trim();
            if (!q.startsWith(".reg")) throw error(line, q, "only .reg parameters are supported in .func");
            out.add(q.substring(4).trim());
        }
        return out;
    }

    /** Splits at commas that are not inside (), [] or {}. */
    static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !out.isEmpty()) out.add(last);
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // pass 2: declarations, labels and instructions of one function

    private final class Scope {
        final Map<String, Integer> regs = new HashMap<>();
        final Map<String, Integer> shared;
        final Map<String, Integer> labels = new HashMap<>();
        final Map<String, Integer> params = new HashMap<>();

        Scope(Function f, Map<String, Integer> shared) {
            this.shared = shared;
            if (f.entry) for (int i = 0; i < f.paramNames.length; i++) params.put(f.paramNames[i], i);
        }

        Integer sharedAddress(String name) {
            Integer a = shared.get(name);
            return a != null ? a : moduleShared.get(name);
        }
    }

    private void decodeBody(RawFunction raw) {
        Function f = raw.function;
        Scope sc = new Scope(f, raw.shared);
        List<Statement> instructions = new ArrayList<>();
        for (Statement st : raw.body) {
            String t = st.text.trim();
            Matcher lm;
            while ((lm = LABEL.matcher(t)).find()) {
                sc.labels.put(lm.group(1), instructions.size());
                t = t.substring(lm.end()).trim();
            }
            if (t.isEmpty()) continue;
            if (t.startsWith(".reg")) declareRegs(sc, t.substring(4).trim(), st.line);
            else if (t.startsWith(".shared")) declareShared(t, st.line, sc.shared);
            else if (t.startsWith(".pragma") || t.startsWith(".maxntid") || t.startsWith(".minnctapersm")) continue;
            else if (t.startsWith(".")) throw error(st.line, t, "unsupported declaration");
            else instructions.add(new Statement(t, st.line));
        }
        f.paramRegs = resolveRegs(sc, raw.params);
        f.returnRegs = resolveRegs(sc, raw.returns);
        Insn[] code = new Insn[instructions.size() + 1];
        for (int i = 0; i < instructions.size(); i++) code[i] = decode(sc, instructions.get(i));
        code[code.length - 1] = new Insn(Op.RET, file + ": end of " + f.name);  // falling off the end returns
        f.code = code;
        f.registerCount = sc.regs.size();
    }

    /** The registers of ".u32 kind"-style declarations (a .func's parameters or returns). */
    private int[] resolveRegs(Scope sc, List<String> decls) {
        int[] out = new int[decls.size()];
        for (int i = 0; i < out.length; i++) {
            String[] w = decls.get(i).trim().split("\\s+");
            out[i] = reg(sc, w[w.length - 1], 0, decls.get(i));
        }
        return out;
    }

    private void declareRegs(Scope sc, String t, int line) {
        String[] w = t.split("\\s+", 2);
        if (w.length < 2 || !w[0].startsWith(".") || Type.of(w[0].substring(1)) == null)
            throw error(line, t, "unsupported register type");
        for (String name : splitTop(w[1])) {
            Matcher m = REG_RANGE.matcher(name);
            if (m.matches()) {
                for (int i = 0; i < Integer.parseInt(m.group(2)); i++) sc.regs.putIfAbsent(m.group(1) + i, sc.regs.size());
            } else {
                sc.regs.putIfAbsent(name.trim(), sc.regs.size());
            }
        }
    }

    private int reg(Scope sc, String name, int line, String text) {
        Integer r = sc.regs.get(name);
        if (r == null) throw error(line, text, "undeclared register '" + name + "'");
        return r;
    }

    private Insn decode(Scope sc, Statement st) {
        String t = st.text;
        int guard = -1;
        boolean negated = false;
        if (t.startsWith("@")) {
            String[] g = t.split("\\s+", 2);
            negated = g[0].startsWith("@!");
            guard = reg(sc, g[0].substring(negated ? 2 : 1), st.line, t);
            t = g[1].trim();
        }
        String[] w = t.split("\\s+", 2);
        String opcode = w[0];
        List<String> args = w.length > 1 ? splitTop(w[1]) : List.of();
        String[] parts = opcode.split("\\.");
        Insn in;
        try {
            in = PtxDecoder.decode(parts, args, new PtxDecoder.Names() {
                @Override public Operand operand(String text, Type type) { return PtxParser.this.operand(sc, text, type, st); }
                @Override public int label(String name) {
                    Integer pc = sc.labels.get(name);
                    if (pc == null) throw error(st.line, st.text, "unknown label '" + name + "'");
                    return pc;
                }
                @Override public Function function(String name) {
                    Function f = byName.get(name);
                    if (f == null) throw error(st.line, st.text, "unknown function '" + name + "'");
                    return f;
                }
                @Override public int register(String name) { return reg(sc, name, st.line, st.text); }
            }, file + ":" + st.line + ": " + st.text.trim().replaceAll("\\s+", " "));
        } catch (UnsupportedOperationException e) {
            throw error(st.line, st.text, e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            throw error(st.line, st.text, "too few operands");
        }
        in.guard = guard;
        in.guardNegated = negated;
        return in;
    }

    private static final Map<String, Integer> SPECIALS = Map.ofEntries(
            Map.entry("%tid.x", Operand.TID_X), Map.entry("%tid.y", Operand.TID_Y), Map.entry("%tid.z", Operand.TID_Z),
            Map.entry("%ntid.x", Operand.NTID_X), Map.entry("%ntid.y", Operand.NTID_Y), Map.entry("%ntid.z", Operand.NTID_Z),
            Map.entry("%ctaid.x", Operand.CTAID_X), Map.entry("%ctaid.y", Operand.CTAID_Y), Map.entry("%ctaid.z", Operand.CTAID_Z),
            Map.entry("%nctaid.x", Operand.NCTAID_X), Map.entry("%nctaid.y", Operand.NCTAID_Y), Map.entry("%nctaid.z", Operand.NCTAID_Z),
            Map.entry("%laneid", Operand.LANEID), Map.entry("%warpid", Operand.WARPID));

    /** One operand; immediates are converted for {@code type} (f32 immediates become float bits). */
    private Operand operand(Scope sc, String text, Type type, Statement st) {
        String s = text.trim();
        if (s.equals("_")) return new Operand(Operand.SINK);
        if (s.startsWith("{")) {
            List<String> parts = splitTop(s.substring(1, s.length() - 1));
            Operand v = new Operand(Operand.VECTOR);
            v.elements = new Operand[parts.size()];
            for (int i = 0; i < parts.size(); i++) v.elements[i] = operand(sc, parts.get(i), type, st);
            return v;
        }
        if (s.startsWith("[")) {
            String inner = s.substring(1, s.length() - 1).trim();
            long offset = 0;
            int plus = inner.indexOf('+');
            if (plus > 0) {
                offset = parseInteger(inner.substring(plus + 1).trim(), st);
                inner = inner.substring(0, plus).trim();
            }
            Integer param = sc.params.get(inner);
            Operand a;
            if (param != null) {
                a = new Operand(Operand.PARAM);
                a.reg = param;
            } else {
                a = new Operand(Operand.ADDRESS);
                Integer shared = sc.sharedAddress(inner);
                if (shared != null) offset += shared;
                else if (Character.isDigit(inner.charAt(0))) offset += parseInteger(inner, st);
                else a.reg = reg(sc, inner, st.line, st.text);
            }
            a.value = offset;
            return a;
        }
        Integer special = SPECIALS.get(s);
        if (special != null) {
            Operand o = new Operand(Operand.SPECIAL);
            o.value = special;
            return o;
        }
        Integer r = sc.regs.get(s);
        if (r != null) return Operand.reg(r);
        Integer shared = sc.sharedAddress(s);
        if (shared != null) return Operand.imm(shared);
        if (s.matches("[-+]?(0[xX][0-9a-fA-F]+|\\d+)[uU]?") || s.matches("0[fFdD][0-9a-fA-F]+")
                || s.matches("[-+]?\\d*\\.\\d+([eE][-+]?\\d+)?"))
            return Operand.imm(immediate(s, type, st));
        throw error(st.line, st.text, "unknown operand '" + s + "'");
    }

    private long parseInteger(String s, Statement st) {
        try {
            String v = s.endsWith("U") || s.endsWith("u") ? s.substring(0, s.length() - 1) : s;
            boolean neg = v.startsWith("-");
            if (neg || v.startsWith("+")) v = v.substring(1);
            long x = v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
            return neg ? -x : x;
        } catch (NumberFormatException e) {
            throw error(st.line, st.text, "bad integer '" + s + "'");
        }
    }

    private long immediate(String s, Type type, Statement st) {
        boolean f32 = type == Type.F32, f64 = type == Type.F64;
        if (s.startsWith("0f") || s.startsWith("0F")) {
            int bits = (int) Long.parseLong(s.substring(2), 16);
            return f64 ? Double.doubleToRawLongBits(Float.intBitsToFloat(bits)) : bits;
        }
        if (s.startsWith("0d") || s.startsWith("0D")) {
            long bits = Long.parseUnsignedLong(s.substring(2), 16);
            return f32 ? Float.floatToRawIntBits((float) Double.longBitsToDouble(bits)) : bits;
        }
        if (s.contains(".") || f32 || f64) {
            double d = s.contains(".") ? Double.parseDouble(s) : parseInteger(s, st);
            if (f32) return Float.floatToRawIntBits((float) d);
            if (f64) return Double.doubleToRawLongBits(d);
            throw error(st.line, st.text, "floating-point literal for an integer operand");
        }
        return parseInteger(s, st);
    }
}
