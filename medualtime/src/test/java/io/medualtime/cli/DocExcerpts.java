package io.medualtime.cli;

/**
 * A doc's quotation of source code ({@code ```java excerpt:PATH}), checked against that source with whitespace ignored:
 * the formatter may re-wrap or re-indent the source without breaking the quotation, while any changed token breaks it.
 */
final class DocExcerpts {
    private DocExcerpts() {}

    /**
     * The first non-blank line of the excerpt (stripped) that does not appear in the source after the previous one, or
     * null when every line is found in order. Lines of the source may be skipped, and one excerpt line may span several
     * source lines or share one with its neighbours.
     */
    static String firstMissingLine(String excerpt, String source) {
        String text = withoutWhitespace(source);
        int at = 0;
        for (String line : excerpt.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String want = withoutWhitespace(line);
            int found = text.indexOf(want, at);
            if (found < 0) return line;
            at = found + want.length();
        }
        return null;
    }

    private static String withoutWhitespace(String s) {
        return s.replaceAll("\\s+", "");
    }
}
