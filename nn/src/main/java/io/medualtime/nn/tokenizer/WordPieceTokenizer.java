package io.medualtime.nn.tokenizer;

import io.medualtime.nn.config.ConfigException;
import io.medualtime.nn.config.ConfigFields;
import io.medualtime.nn.config.SizeLimits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT / DistilBERT WordPiece tokenizer from a {@code vocab.txt}, a port of Hugging Face's
 * BertTokenizer (BasicTokenizer + WordpieceTokenizer):
 * <ol>
 * <li>clean text: drop NUL, U+FFFD and control characters, map whitespace to spaces;</li>
 * <li>put spaces around CJK ideographs (tokenize_chinese_chars);</li>
 * <li>NFC-normalise, split on whitespace;</li>
 * <li>when do_lower_case: lower-case and (unless strip_accents is false) strip accents (NFD, drop Mn);
 *     strip_accents true strips them even for cased models;</li>
 * <li>split punctuation off as single-character tokens;</li>
 * <li>WordPiece: greedy longest-match-first with "##" continuations; a word longer than 100
 *     characters, or one that cannot be covered, becomes [UNK].</li>
 * </ol>
 * {@link #encode} frames the pieces as [CLS] ... [SEP], truncating to {@link #maxLength()} while
 * keeping [SEP]. Special-token strings such as "[SEP]" inside the text are ordinary text here (HF maps
 * them to the special ids); code adds special tokens itself.
 */
public final class WordPieceTokenizer implements Tokenizer {

    public static final String UNK = "[UNK]", CLS = "[CLS]", SEP = "[SEP]", PAD = "[PAD]", MASK = "[MASK]";
    public static final int MAX_INPUT_CHARS_PER_WORD = 100;
    public static final int DEFAULT_MAX_LENGTH = 512;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final boolean doLowerCase;
    private final Boolean stripAccents;
    private final boolean tokenizeChineseChars;
    private final int maxLength;
    private final int unkId, clsId, sepId, padId, maskId;

    /**
     * @param tokens               the vocabulary, id = index (as vocab.txt lines)
     * @param doLowerCase          lower-case (and strip accents, unless stripAccents is FALSE)
     * @param stripAccents         null: follow doLowerCase; TRUE/FALSE: force
     * @param tokenizeChineseChars split CJK ideographs into single tokens
     * @param maxLength            encode() output length limit, at least 2
     */
    public WordPieceTokenizer(List<String> tokens, boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be at least 2 ([CLS] and [SEP]), got " + maxLength);
        this.vocab = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) vocab.put(tokens.get(i), i); // a repeated line: the later id wins, as in HF
        this.idToToken = tokens.toArray(new String[0]);
        this.doLowerCase = doLowerCase;
        this.stripAccents = stripAccents;
        this.tokenizeChineseChars = tokenizeChineseChars;
        this.maxLength = maxLength;
        this.unkId = required(UNK);
        this.clsId = required(CLS);
        this.sepId = required(SEP);
        this.padId = vocab.getOrDefault(PAD, -1);
        this.maskId = vocab.getOrDefault(MASK, -1);
    }

    private int required(String tok) {
        Integer id = vocab.get(tok);
        if (id == null) throw new IllegalArgumentException("the vocabulary has no " + tok + " token");
        return id;
    }

    /** From a vocab.txt (one token per line, id = line number). */
    public static WordPieceTokenizer fromVocab(Path vocabTxt, boolean doLowerCase) throws ConfigException {
        return build(vocabTxt, doLowerCase, null, true, DEFAULT_MAX_LENGTH);
    }

    /**
     * From a model folder: vocab.txt, plus tokenizer_config.json when present (do_lower_case, default
     * true as in HF's BertTokenizer; strip_accents; tokenize_chinese_chars; model_max_length when it is
     * a real limit, else 512).
     */
    public static WordPieceTokenizer fromFolder(Path dir) throws ConfigException {
        Path vocab = dir.resolve("vocab.txt");
        Path cfg = dir.resolve("tokenizer_config.json");
        boolean lower = true;
        Boolean strip = null;
        boolean cjk = true;
        int maxLen = DEFAULT_MAX_LENGTH;
        if (Files.isRegularFile(cfg)) {
            ConfigFields f = ConfigFields.read(cfg);
            lower = f.optionalBool("do_lower_case", true);
            strip = f.has("strip_accents") ? Boolean.valueOf(f.optionalBool("strip_accents", false)) : null;
            cjk = f.optionalBool("tokenize_chinese_chars", true);
            double m = f.optionalDouble("model_max_length", DEFAULT_MAX_LENGTH);
            if (m >= 2 && m <= 1_000_000) maxLen = (int) m; // HF writes 1e30 for "no limit"
        }
        return build(vocab, lower, strip, cjk, maxLen);
    }

    private static WordPieceTokenizer build(Path vocabTxt, boolean lower, Boolean strip, boolean cjk, int maxLen) throws ConfigException {
        List<String> lines = ConfigFields.readText(vocabTxt, SizeLimits.MAX_VOCAB_FILE_BYTES).lines().toList();
        if (lines.size() > SizeLimits.MAX_VOCAB)
            throw new ConfigException(vocabTxt + ": " + lines.size() + " tokens, more than the limit " + SizeLimits.MAX_VOCAB);
        try {
            return new WordPieceTokenizer(lines, lower, strip, cjk, maxLen);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(vocabTxt + ": " + e.getMessage(), e);
        }
    }

    /** [CLS] pieces [SEP], truncated to maxLength() (the last kept id is always [SEP]). */
    @Override public int[] encode(String text) {
        return encode(text, maxLength);
    }

    /** As {@link #encode(String)} with an explicit length limit (at least 2). */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        List<String> pieces = tokenize(text);
        int n = Math.min(pieces.size(), maxLength - 2);
        int[] ids = new int[n + 2];
        ids[0] = clsId;
        for (int i = 0; i < n; i++) ids[i + 1] = vocab.get(pieces.get(i));
        ids[n + 1] = sepId;
        return ids;
    }

    /** WordPiece tokens of the text, without [CLS]/[SEP]. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String word : basicTokenize(text)) wordPiece(word, out);
        return out;
    }

    /** The BasicTokenizer step alone (cleaning, CJK, case, accents, punctuation). */
    public List<String> basicTokenize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isWhitespace(cp)) {
                sb.append(' ');
            } else if (tokenizeChineseChars && isCjk(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        });
        String cleaned = Normalizer.normalize(sb, Normalizer.Form.NFC);
        List<String> out = new ArrayList<>();
        for (String token : splitWhitespace(cleaned)) {
            if (doLowerCase) {
                token = token.toLowerCase(Locale.ROOT);
                if (!Boolean.FALSE.equals(stripAccents)) token = stripAccents(token);
            } else if (Boolean.TRUE.equals(stripAccents)) {
                token = stripAccents(token);
            }
            splitPunctuation(token, out);
        }
        return out;
    }

    private void wordPiece(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_INPUT_CHARS_PER_WORD) {
            out.add(UNK);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            String found = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) sub = "##" + sub;
                if (vocab.containsKey(sub)) {
                    found = sub;
                    break;
                }
                end--;
            }
            if (found == null) {
                out.add(UNK);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private static String stripAccents(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        nfd.codePoints().forEach(cp -> {
            if (Character.getType(cp) != Character.NON_SPACING_MARK) sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    private static void splitPunctuation(String token, List<String> out) {
        StringBuilder cur = new StringBuilder();
        token.codePoints().forEach(cp -> {
            if (isPunctuation(cp)) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                out.add(new String(Character.toChars(cp)));
            } else {
                cur.appendCodePoint(cp);
            }
        });
        if (cur.length() > 0) out.add(cur.toString());
    }

    /** Python's str.split(): runs of whitespace separate, no empty tokens. */
    private static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && isPySpace(s.charAt(i))) i++;
            int j = i;
            while (j < n && !isPySpace(s.charAt(j))) j++;
            if (j > i) out.add(s.substring(i, j));
            i = j;
        }
        return out;
    }

    private static boolean isPySpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                || t == Character.SURROGATE || t == Character.UNASSIGNED;
    }

    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION ->
                true;
            default -> false;
        };
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * Text of the ids like HF's {@code decode(ids, skip_special_tokens=True)}: [CLS], [SEP], [PAD] and
     * [MASK] are dropped, "##" continuations are joined, and spaces before . , ? ! and English
     * contractions are cleaned up. Lossy: case, accents and original spacing are not recovered.
     */
    @Override public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= idToToken.length) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside [0, " + idToToken.length + ")");
            }
            if (id == clsId || id == sepId || id == padId || id == maskId) continue;
            String t = idToToken[id];
            if (t.startsWith("##")) {
                sb.append(t, 2, t.length());
            } else {
                if (sb.length() > 0) sb.append(' ');
                sb.append(t);
            }
        }
        return sb.toString().replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override public int vocabSize() {
        return idToToken.length;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int unkId() {
        return unkId;
    }

    /** -1 when the vocabulary has no [PAD]. */
    public int padId() {
        return padId;
    }

    /** -1 when the vocabulary has no [MASK]. */
    public int maskId() {
        return maskId;
    }

    public int maxLength() {
        return maxLength;
    }

    public boolean doLowerCase() {
        return doLowerCase;
    }

    /** Id of a token string, or -1. */
    public int tokenId(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** Token string of an id. */
    public String token(int id) {
        return idToToken[id];
    }
}
