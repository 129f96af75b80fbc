package io.medualtime.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.medualtime.tensor.backend.BinaryOp;
import io.medualtime.tensor.backend.ReduceOp;
import io.medualtime.tensor.backend.UnaryOp;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The op enums own the op codes; the PTX dispatch switches ({@code setp.eq.u32 p, op, N; @p bra X_NAME;})
 * and the files' header tables must list exactly the same numbers and names. Needs no GPU.
 */
class PtxOpCodesTest {

    private static final Pattern BRANCH = Pattern.compile("setp\\.eq\\.u32\\s+p,\\s*op,\\s*(\\d+);\\s*@p bra\\s+([A-Z])_(\\w+);");
    private static final Pattern ENTRY = Pattern.compile("\\b(\\d+) ([A-Z][A-Z_]*[A-Z])\\b");

    /** code -> name of every branch of the switches labelled {@code prefix_NAME} in the PTX source. */
    private static Map<Integer, String> branches(String ptx, String prefix) {
        Map<Integer, String> out = new TreeMap<>();
        Matcher m = BRANCH.matcher(ptx);
        while (m.find())
            if (m.group(2).equals(prefix) && out.put(Integer.parseInt(m.group(1)), m.group(3)) != null)
                throw new AssertionError("code " + m.group(1) + " branches twice in " + prefix + "_ switch");
        return out;
    }

    /** code -> name of the "N NAME" entries of the header comment between two markers. */
    private static Map<Integer, String> header(String ptx, String from, String to) {
        String text = ptx.substring(ptx.indexOf(from), ptx.indexOf(to, ptx.indexOf(from)));
        Map<Integer, String> out = new TreeMap<>();
        Matcher m = ENTRY.matcher(text);
        while (m.find()) out.put(Integer.parseInt(m.group(1)), m.group(2));
        return out;
    }

    private static Map<Integer, String> codes(Stream<? extends Enum<?>> ops, java.util.function.ToIntFunction<Enum<?>> code) {
        Map<Integer, String> out = new TreeMap<>();
        ops.filter(op -> code.applyAsInt(op) >= 0).forEach(op -> out.put(code.applyAsInt(op), op.name()));
        return out;
    }

    @Test void elementwiseCodesAreTheEnums() {
        String ptx = CudaRuntime.ptxSource("elementwise");
        Map<Integer, String> unary = codes(Stream.of(UnaryOp.values()), op -> ((UnaryOp) op).code);
        Map<Integer, String> binary = codes(Stream.of(BinaryOp.values()), op -> ((BinaryOp) op).code);
        assertEquals(unary, branches(ptx, "U"), "unary_op switch vs UnaryOp.code");
        assertEquals(binary, branches(ptx, "B"), "binary_op switch vs BinaryOp.code");
        assertEquals(unary, header(ptx, "unary_f32(u32 op", "binary_f32(u32 op"), "unary_f32 header vs UnaryOp.code");
        assertEquals(binary, header(ptx, "binary_f32(u32 op", "binary_strided("), "binary_f32 header vs BinaryOp.code");
        branches(ptx, "G").forEach((code, name) -> assertEquals(UnaryOp.valueOf(name).code, code, "unary_grad switch: " + name));
    }

    @Test void reduceCodesAreTheEnum() {
        String ptx = CudaRuntime.ptxSource("reduce");
        Map<Integer, String> reduce = codes(Stream.of(ReduceOp.values()), op -> ((ReduceOp) op).code);
        assertEquals(reduce, branches(ptx, "R"), "identity_of switch vs ReduceOp.code");
        assertEquals(reduce, header(ptx, "Op codes", "Both kernels"), "reduce.ptx header vs ReduceOp.code");
    }
}
