package io.medualtime.nn.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.medualtime.nn.config.ConfigException;
import io.medualtime.nn.config.ConfigFields;
import io.medualtime.nn.config.SizeLimits;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level BPE from {@code vocab.json} + {@code merges.txt}, as in OpenAI's encoder.py and
 * Hugging Face's GPT2Tokenizer: text is split by the GPT-2 regex, each piece's UTF-8 bytes are mapped
 * to printable characters by the bytes_to_unicode table, and adjacent symbols are merged by lowest
 * merge rank until no ranked pair remains.
 */
final class ByteLevelBpe {

    /** GPT-2's pre-tokenisation regex; \s and friends are Unicode-aware, as in Python's regex module. */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final int CACHE_LIMIT = 50_000;

    /** bytes_to_unicode: byte -> printable char. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse of BYTE_TO_CHAR (-1 where unmapped). */
    static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    ByteLevelBpe(Map<String, Integer> vocab, Map<String, Integer> mergeRanks) {
        this.vocab = Map.copyOf(vocab);
        int max = -1;
        for (int id : vocab.values()) max = Math.max(max, id);
        this.idToToken = new String[max + 1];
        vocab.forEach((t, id) -> idToToken[id] = t);
        this.mergeRanks = Map.copyOf(mergeRanks);
    }

    static ByteLevelBpe load(Path vocabJson, Path mergesTxt) throws ConfigException {
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode root;
        try {
            root = ConfigFields.JSON.readTree(ConfigFields.readText(vocabJson, SizeLimits.MAX_VOCAB_FILE_BYTES));
        } catch (JsonProcessingException e) {
            throw new ConfigException(vocabJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ConfigException(vocabJson + ": not a JSON object of token -> id");
        Map<Integer, String> seen = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() >= SizeLimits.MAX_VOCAB) {
                throw new ConfigException(vocabJson + ": token '" + e.getKey() + "' has id " + v + ", not an integer in [0, "
                        + SizeLimits.MAX_VOCAB + ")");
            }
            String prev = seen.put(v.intValue(), e.getKey());
            if (prev != null) {
                throw new ConfigException(vocabJson + ": tokens '" + prev + "' and '" + e.getKey() + "' share id " + v.intValue());
            }
            vocab.put(e.getKey(), v.intValue());
        }
        for (int b = 0; b < 256; b++) {
            if (!vocab.containsKey(String.valueOf(BYTE_TO_CHAR[b]))) {
                throw new ConfigException(vocabJson + ": not a byte-level vocabulary: the token for byte " + b
                        + " ('" + BYTE_TO_CHAR[b] + "') is missing");
            }
        }
        List<String> lines = ConfigFields.readText(mergesTxt, SizeLimits.MAX_VOCAB_FILE_BYTES).lines().toList();
        if (lines.size() > SizeLimits.MAX_VOCAB + 1) {   // + the #version line
            throw new ConfigException(mergesTxt + ": " + lines.size() + " lines, more merges than the limit " + SizeLimits.MAX_VOCAB);
        }
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) continue;
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new ConfigException(mergesTxt + ": line " + (i + 1) + " is not two space-separated symbols: '" + line + "'");
            }
            for (String s : new String[]{parts[0], parts[1], parts[0] + parts[1]}) {
                if (!vocab.containsKey(s)) {
                    throw new ConfigException(mergesTxt + ": line " + (i + 1) + " ('" + line + "') uses '" + s
                            + "', which is not in " + vocabJson.getFileName());
                }
            }
            ranks.putIfAbsent(parts[0] + " " + parts[1], rank++);
        }
        return new ByteLevelBpe(vocab, ranks);
    }

    int vocabSize() {
        return idToToken.length;
    }

    Integer tokenId(String token) {
        return vocab.get(token);
    }

    /** Appends the ids of {@code text} (no special-token handling). */
    void encodeOrdinary(String text, List<Integer> out) {
        Matcher m = GPT2_SPLIT.matcher(text);
        while (m.find()) {
            String piece = m.group();
            int[] ids = cache.get(piece);
            if (ids == null) {
                ids = bpe(piece);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(piece, ids);
            }
            for (int id : ids) out.add(id);
        }
    }

    private int[] bpe(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<String> word = new ArrayList<>(bytes.length);
        for (byte b : bytes) word.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestA = null, bestB = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestA = word.get(i);
                    bestB = word.get(i + 1);
                }
            }
            if (bestA == null) break;
            // merge every non-overlapping occurrence, left to right (encoder.py's loop)
            List<String> next = new ArrayList<>(word.size());
            for (int i = 0; i < word.size();) {
                if (i + 1 < word.size() && word.get(i).equals(bestA) && word.get(i + 1).equals(bestB)) {
                    next.add(bestA + bestB);
                    i += 2;
                } else {
                    next.add(word.get(i));
                    i++;
                }
            }
            word = next;
        }
        int[] ids = new int[word.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(word.get(i));
            if (id == null) throw new IllegalStateException("BPE symbol '" + word.get(i) + "' is not in the vocabulary");
            ids[i] = id;
        }
        return ids;
    }

    String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            String tok = id >= 0 && id < idToToken.length ? idToToken[id] : null;
            if (tok == null) {
                throw new IllegalArgumentException(
                        "token id " + id + " at position " + i + " is not in the vocabulary (size " + idToToken.length + ")");
            }
            for (int k = 0; k < tok.length(); k++) {
                char c = tok.charAt(k);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b >= 0) {
                    bytes.write(b);
                } else { // not a byte-level character (an added token): emit its UTF-8
                    bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8); // malformed UTF-8 becomes U+FFFD, like errors="replace"
    }
}
