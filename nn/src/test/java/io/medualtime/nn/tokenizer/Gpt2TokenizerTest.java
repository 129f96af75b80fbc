package io.medualtime.nn.tokenizer;

import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class Gpt2TokenizerTest {

    static final List<String> CORPUS = List.of(
            "Hello world",
            "Sinusrhythmus, Linkstyp, keine ST-Veränderungen",
            "Sinusrhythmus",
            "Herzfrequenz 72/min, PQ 160 ms, QRS 98 ms, QTc 420 ms.",
            "Größe: 1,82 m; Gewicht 80 kg. ÄÖÜ äöü ß ẞ",
            "   leading and trailing   ",
            "tabs\tand\nnewlines\n\n\nend",
            "a  b   c    d     e",
            "emoji 😀🫀❤️ 👩‍⚕️ and CJK 心电图",
            "I'm sure we'll see they've done what she'd said, it's 'quoted'",
            "12345678901234567890 3.14159 -42 1e-5",
            "\u00a0non-breaking\u00a0space and\u2009thin",
            "Ünïcödé façade naïve coöperate",
            "$$$ ### @@@ !!! ??? ... ---",
            "line\r\nwindows\r\n",
            "<|endoftext|> inside <|endoftext|>",
            "x".repeat(300),
            "");

    @TempDir
    static Path tmp;
    static Path gpt2Folder;

    /**
     * Rebuilds GPT-2's vocab.json and merges.txt from JTokkit's bundled r50k_base ranks: token ids
     * are the ranks, and the merge that made token r is the split that BPE with ranks below r leaves.
     */
    @BeforeAll static void reconstructGpt2Files() throws IOException {
        Map<Bytes, Integer> ranks = new HashMap<>();
        List<byte[]> byRank = new ArrayList<>();
        try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] p = line.split(" ");
                byte[] b = Base64.getDecoder().decode(p[0]);
                int rank = Integer.parseInt(p[1]);
                assertEquals(byRank.size(), rank);
                ranks.put(new Bytes(b), rank);
                byRank.add(b);
            }
        }
        assertEquals(50256, byRank.size());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < byRank.size(); i++) vocab.put(toUnicode(byRank.get(i)), i);
        vocab.put("<|endoftext|>", 50256);
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (int rank = 256; rank < byRank.size(); rank++) {
            List<byte[]> parts = bpe(byRank.get(rank), ranks, rank);
            assertEquals(2, parts.size(), "token " + rank);
            merges.append(toUnicode(parts.get(0))).append(' ').append(toUnicode(parts.get(1))).append('\n');
        }
        gpt2Folder = Files.createDirectories(tmp.resolve("gpt2"));
        Files.writeString(gpt2Folder.resolve("vocab.json"), io.medualtime.nn.config.ConfigFields.JSON.writeValueAsString(vocab));
        Files.writeString(gpt2Folder.resolve("merges.txt"), merges);
    }

    record Bytes(byte[] b) {
        @Override public boolean equals(Object o) {
            return o instanceof Bytes x && Arrays.equals(b, x.b);
        }

        @Override public int hashCode() {
            return Arrays.hashCode(b);
        }
    }

    /** tiktoken-style BPE over bytes using only ranks below maxRank. */
    static List<byte[]> bpe(byte[] token, Map<Bytes, Integer> ranks, int maxRank) {
        List<byte[]> parts = new ArrayList<>();
        for (byte x : token) parts.add(new byte[]{x});
        while (true) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                byte[] m = concat(parts.get(i), parts.get(i + 1));
                Integer r = ranks.get(new Bytes(m));
                if (r != null && r < maxRank && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) return parts;
            parts.set(best, concat(parts.get(best), parts.get(best + 1)));
            parts.remove(best + 1);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static String toUnicode(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(ByteLevelBpe.BYTE_TO_CHAR[b & 0xFF]);
        return sb.toString();
    }

    // ---------------------------------------------------------------- JTokkit path vs known HF ids

    @Test void knownGpt2Ids() {
        Gpt2Tokenizer t = Gpt2Tokenizer.r50k();
        assertArrayEquals(new int[]{15496, 995}, t.encode("Hello world"));
        assertArrayEquals(new int[]{18435}, t.encode(" Hello"));
        // single bytes: ids follow bytes_to_unicode order ('!' is 0, 'a' is 64, '\n' is 198, ' ' is 220)
        assertArrayEquals(new int[]{0}, t.encode("!"));
        assertArrayEquals(new int[]{64}, t.encode("a"));
        assertArrayEquals(new int[]{15}, t.encode("0"));
        assertArrayEquals(new int[]{198}, t.encode("\n"));
        assertArrayEquals(new int[]{220}, t.encode(" "));
        assertEquals(50257, t.vocabSize());
        assertEquals(50256, t.eosId());
        assertEquals("<|endoftext|>", t.decode(new int[]{50256}));
        assertEquals("Hello world", t.decode(new int[]{15496, 995}));
    }

    @Test void endOfTextLiteralIsOrdinaryTextUnlessAskedFor() {
        Gpt2Tokenizer t = Gpt2Tokenizer.r50k();
        int[] ids = t.encode("<|endoftext|>");
        assertTrue(ids.length > 1, Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).noneMatch(i -> i == 50256), Arrays.toString(ids));
        assertEquals("<|endoftext|>", t.decode(ids));
        assertArrayEquals(new int[]{64, 50256, 65}, t.encodeWithSpecialTokens("a<|endoftext|>b"));
        assertArrayEquals(new int[]{50256, 50256}, t.encodeWithSpecialTokens("<|endoftext|><|endoftext|>"));
        assertArrayEquals(new int[]{15496, 995, 50256}, t.encodeWithSpecialTokens("Hello world<|endoftext|>"));
    }

    @Test void roundTripAndRange() {
        Gpt2Tokenizer t = Gpt2Tokenizer.r50k();
        for (String s : CORPUS) {
            int[] ids = t.encode(s);
            for (int id : ids) assertTrue(id >= 0 && id < 50256, s);
            assertEquals(s, t.decode(ids), "round trip of " + s);
        }
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{50257}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{-1}));
        assertEquals(0, t.encode("").length);
    }

    // ---------------------------------------------------------------- our BPE on vocab.json + merges.txt

    @Test void ownBpeAgreesWithJtokkitOnTheFullVocabulary() throws IOException {
        Gpt2Tokenizer files = Gpt2Tokenizer.forModelFolder(gpt2Folder);
        assertTrue(files.source().contains("vocab.json"), files.source());
        Gpt2Tokenizer jt = Gpt2Tokenizer.r50k();
        assertEquals(50257, files.vocabSize());
        assertEquals(50256, files.eosId());
        for (String s : CORPUS) {
            int[] a = jt.encode(s);
            int[] b = files.encode(s);
            assertArrayEquals(a, b, "ids differ for " + s);
            assertEquals(s, files.decode(b));
            assertArrayEquals(jt.encodeWithSpecialTokens(s), files.encodeWithSpecialTokens(s), s);
        }
        assertArrayEquals(new int[]{15496, 995}, files.encode("Hello world"));
        assertEquals("<|endoftext|>", files.decode(new int[]{50256}));
        assertThrows(IllegalArgumentException.class, () -> files.decode(new int[]{50257}));
    }

    @Test void folderWithoutFilesUsesJtokkit() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertSame(Gpt2Tokenizer.r50k(), Gpt2Tokenizer.forModelFolder(empty));
        Path half = Files.createDirectories(tmp.resolve("half"));
        Files.writeString(half.resolve("vocab.json"), "{}");
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(half));
        assertTrue(e.getMessage().contains("merges.txt"), e.getMessage());
    }

    // ---------------------------------------------------------------- a tiny hand-checked vocabulary

    static Path tinyVocab(Path dir, String merges) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        // GPT-2 order: the printable bytes first, then the rest
        List<Integer> order = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) order.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) order.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) order.add(b);
        for (int b = 0; b < 256; b++) if (!order.contains(b)) order.add(b);
        for (int b : order) vocab.put(String.valueOf(ByteLevelBpe.BYTE_TO_CHAR[b]), vocab.size());
        for (String m : merges.split("\n")) {
            if (m.startsWith("#") || m.isEmpty()) continue;
            vocab.putIfAbsent(m.replace(" ", ""), vocab.size());
        }
        vocab.put("<|endoftext|>", vocab.size());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vocab.json"), io.medualtime.nn.config.ConfigFields.JSON.writeValueAsString(vocab));
        Files.writeString(dir.resolve("merges.txt"), merges);
        return dir;
    }

    @Test void tinyVocabularyHandChecked() throws IOException {
        Path d = tinyVocab(tmp.resolve("tiny"), "#version: 0.2\nl l\nh e\nhe ll\nĠ w\no r\nĠw or\n");
        Gpt2Tokenizer t = Gpt2Tokenizer.fromFiles(d.resolve("vocab.json"), d.resolve("merges.txt"));
        // ids: 256 bytes (0..255), ll 256, he 257, hell 258, Ġw 259, or 260, Ġwor 261, <|endoftext|> 262
        assertEquals(263, t.vocabSize());
        assertEquals(262, t.eosId());
        // "hello": h e l l o -> (l,l) rank 0 first -> h e ll o -> he ll o -> hell o; 'o' = 111 - 33 = 78
        // " world": Ġ w o r l d -> Ġw o r l d -> Ġw or l d -> Ġwor l d; 'l' = 75, 'd' = 67
        assertArrayEquals(new int[]{258, 78, 261, 75, 67}, t.encode("hello world"));
        // bytes_to_unicode: ' ' -> 'Ġ' is id 188 + 32 = 220 as in GPT-2; 'ü' = C3 BC -> ids 106 + (0xC3 - 0xAE), 106 + (0xBC - 0xAE)
        assertArrayEquals(new int[]{220}, t.encode(" "));
        assertArrayEquals(new int[]{127, 120}, t.encode("ü"));
        // "hehe": both (h,e) pairs merge in one step
        assertArrayEquals(new int[]{257, 257}, t.encode("hehe"));
        assertEquals("hello world ü", t.decode(t.encode("hello world ü")));
        // an id that decodes to half a UTF-8 sequence becomes U+FFFD, like errors="replace"
        assertEquals("\uFFFD", t.decode(new int[]{127}));
    }

    @Test void badFilesAreReported() throws IOException {
        Path d = tinyVocab(tmp.resolve("bad1"), "#version: 0.2\nl l\nh e x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d));
        assertTrue(e.getMessage().contains("merges.txt") && e.getMessage().contains("line 3"), e.getMessage());
        Path d2 = tinyVocab(tmp.resolve("bad2"), "#version: 0.2\nl l\n");
        Files.writeString(d2.resolve("merges.txt"), "#version: 0.2\nl l\nq z\n");
        e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d2));
        assertTrue(e.getMessage().contains("'qz'") && e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(d2.resolve("vocab.json"), "{\"a\": 0}");
        e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d2));
        assertTrue(e.getMessage().contains("vocab.json") && e.getMessage().contains("byte"), e.getMessage());
        Files.writeString(d2.resolve("vocab.json"), "{\"a\": 0, \"b\": 0}");
        e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d2));
        assertTrue(e.getMessage().contains("share id 0"), e.getMessage());
    }

    @Test void idsAndFilesAreBoundedBeforeArraysAreSized() throws IOException {
        Path d = tinyVocab(tmp.resolve("hugeid"), "#version: 0.2\nl l\n");
        var vocab = (com.fasterxml.jackson.databind.node.ObjectNode) io.medualtime.nn.config.ConfigFields.JSON
                .readTree(d.resolve("vocab.json").toFile());
        vocab.put("<|endoftext|>", 2_000_000_000);
        Files.writeString(d.resolve("vocab.json"), vocab.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d));
        assertEquals(d.resolve("vocab.json") + ": token '<|endoftext|>' has id 2000000000, not an integer in [0, 1048576)", e.getMessage());
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(d.resolve("merges.txt").toFile(), "rw")) {
            raf.setLength(io.medualtime.nn.config.SizeLimits.MAX_VOCAB_FILE_BYTES + 1);   // sparse, never read
        }
        tinyVocab(tmp.resolve("hugeid2"), "");
        Files.copy(tmp.resolve("hugeid2").resolve("vocab.json"), d.resolve("vocab.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d));
        assertTrue(e.getMessage().startsWith(d.resolve("merges.txt") + ": 67108865 bytes, more than the 67108864-byte limit"),
                e.getMessage());
    }

    @Test void aTokenizerWithIdsTheModelLacksIsRefusedNamingBothSizes() throws IOException {
        Path d = tinyVocab(tmp.resolve("bigger"), "#version: 0.2\nl l\nh e\n");   // 259 ids
        assertEquals(259, Gpt2Tokenizer.forModelFolder(d, 259).vocabSize());
        assertEquals(259, Gpt2Tokenizer.forModelFolder(d, 300).vocabSize());   // a model may have spare rows
        ConfigException e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(d, 258));
        assertEquals(d.resolve("vocab.json") + ": the tokenizer has 259 ids but config.json's vocab_size is 258: ids from 258 on have no "
                + "embedding; use the tokenizer files that came with the model", e.getMessage());
        Path none = Files.createDirectories(tmp.resolve("nofiles"));
        e = assertThrows(ConfigException.class, () -> Gpt2Tokenizer.forModelFolder(none, 1000));
        assertTrue(e.getMessage().contains("built-in GPT-2 tokenizer is used, which has 50257 ids but config.json's vocab_size is 1000"),
                e.getMessage());
    }
}
