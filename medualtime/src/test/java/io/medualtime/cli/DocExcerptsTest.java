package io.medualtime.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DocExcerptsTest {
    static final String SOURCE = """
            public static Tensor mul(Tensor a, Tensor b) {
                return Autograd.record(binaryRaw(BinaryOp.MUL, a, b), "mul",
                        new Tensor[]{a, b}, g -> null);
            }
            static int other() { return 1; }
            """;

    @Test void sameTextWithOtherWrappingAndIndentationMatches() {
        String excerpt = """
                public static Tensor mul(Tensor a, Tensor b) {
                  return Autograd.record(binaryRaw(BinaryOp.MUL, a, b), "mul", new Tensor[]{a, b}, g -> null);
                }
                """;
        assertNull(DocExcerpts.firstMissingLine(excerpt, SOURCE));
    }

    @Test void linesMayBeSkippedButNotReordered() {
        assertNull(
                DocExcerpts.firstMissingLine("public static Tensor mul(Tensor a, Tensor b) {\nstatic int other() { return 1; }", SOURCE));
        assertEquals("public static Tensor mul(Tensor a, Tensor b) {",
                DocExcerpts.firstMissingLine("static int other() { return 1; }\npublic static Tensor mul(Tensor a, Tensor b) {", SOURCE));
    }

    @Test void aChangedTokenIsReportedWithItsLine() {
        assertEquals("return Autograd.record(binaryRaw(BinaryOp.ADD, a, b), \"mul\",",
                DocExcerpts.firstMissingLine("""
                        public static Tensor mul(Tensor a, Tensor b) {
                            return Autograd.record(binaryRaw(BinaryOp.ADD, a, b), "mul",
                        """, SOURCE));
    }
}
