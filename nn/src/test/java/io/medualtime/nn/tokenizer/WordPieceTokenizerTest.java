package io.medualtime.nn.tokenizer;

import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WordPieceTokenizerTest {

    @TempDir
    Path dir;

    /** Hugging Face's test_tokenization_bert vocabulary, plus the "unaffable" pieces and a few German words. */
    static final List<String> VOCAB = List.of(
            "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]",          // 0-4
            "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "low", "lowest", // 5-14
            "##aff", "##able",                                       // 15-16
            "sinus", "##rhythmus", "link", "##styp", "keine", "st", "-", "ver", "##anderungen", // 17-25
            "Sinus", "Link", "ST", "Ver", "##änderungen", "心", "电", "?", "!", "hello", "how", "are", "you", "."); // 26-39

    WordPieceTokenizer lower() {
        return new WordPieceTokenizer(VOCAB, true, null, true, 512);
    }

    WordPieceTokenizer cased() {
        return new WordPieceTokenizer(VOCAB, false, null, true, 512);
    }

    @Test void huggingFaceFullTokenizerExample() {
        WordPieceTokenizer t = lower();
        assertEquals(List.of("un", "##want", "##ed", ",", "runn", "##ing"), t.tokenize("UNwant\u00E9d,running"));
        assertArrayEquals(new int[]{1, 9, 6, 7, 12, 10, 11, 2}, t.encode("UNwant\u00E9d,running"));
        assertEquals("unwanted, running", t.decode(t.encode("UNwant\u00E9d,running")));
    }

    @Test void classicWordPieceExamples() {
        WordPieceTokenizer t = lower();
        assertEquals(List.of("un", "##aff", "##able"), t.tokenize("unaffable"));
        assertEquals(List.of("un", "##want", "##ed", "runn", "##ing"), t.tokenize("unwanted running"));
        assertEquals(List.of("[UNK]", "runn", "##ing"), t.tokenize("unwantedX running")); // no cover: whole word UNK
        assertEquals(List.of("lowest"), t.tokenize("lowest")); // longest match first
        assertEquals(List.of(), t.tokenize(""));
        assertEquals(List.of("[UNK]"), t.tokenize("a".repeat(101)));
        assertEquals(List.of("[UNK]"), t.tokenize("want".repeat(26))); // 104 characters > 100
    }

    @Test void basicTokenizerLowerAndCased() {
        assertEquals(List.of("hello", "!", "how", "are", "you", "?"), lower().basicTokenize(" \tHeLLo!how  \n Are yoU?  "));
        assertEquals(List.of("hello"), lower().basicTokenize("H\u00E9llo"));
        assertEquals(List.of("HeLLo", "!", "how", "Are", "yoU", "?"), cased().basicTokenize(" \tHeLLo!how  \n Are yoU?  "));
        WordPieceTokenizer keepAccents = new WordPieceTokenizer(VOCAB, true, false, true, 512);
        assertEquals(List.of("hällo", "!", "how", "are", "you", "?"), keepAccents.basicTokenize(" \tHäLLo!how  \n Are yoU?  "));
        WordPieceTokenizer stripCased = new WordPieceTokenizer(VOCAB, false, true, true, 512);
        assertEquals(List.of("HaLLo"), stripCased.basicTokenize("HäLLo"));
        assertEquals(List.of("ah", "\u535A", "\u63A8", "zz"), lower().basicTokenize("ah\u535A\u63A8zz"));
        WordPieceTokenizer noCjk = new WordPieceTokenizer(VOCAB, true, null, false, 512);
        assertEquals(List.of("ah\u535A\u63A8zz"), noCjk.basicTokenize("ah\u535A\u63A8zz"));
        // control and format characters vanish, NUL and U+FFFD too; NBSP and tabs are spaces
        assertEquals(List.of("abcd", "e"), lower().basicTokenize("a\u0000b\uFFFDc\u200Bd\u00A0e"));
    }

    @Test void germanClinicalTextCasedAndUncased() {
        String s = "Sinusrhythmus, Linkstyp, keine ST-Veränderungen";
        assertEquals(List.of("Sinus", "##rhythmus", ",", "Link", "##styp", ",", "keine", "ST", "-", "Ver", "##änderungen"),
                cased().tokenize(s));
        // decomposed input (a + combining diaeresis) is NFC-normalised first
        assertEquals(cased().tokenize(s), cased().tokenize("Sinusrhythmus, Linkstyp, keine ST-Vera\u0308nderungen"));
        // uncased: lower-case and strip the umlaut
        assertEquals(List.of("sinus", "##rhythmus", ",", "link", "##styp", ",", "keine", "st", "-", "ver", "##anderungen"),
                lower().tokenize(s));
        assertEquals(List.of("心", "电", "[UNK]"), cased().tokenize("心电图"));
    }

    @Test void truncationKeepsSep() {
        WordPieceTokenizer t = lower();
        assertArrayEquals(new int[]{1, 9, 6, 2}, t.encode("unwanted running", 4));
        assertArrayEquals(new int[]{1, 2}, t.encode("unwanted running", 2));
        assertArrayEquals(new int[]{1, 2}, t.encode(""));
        assertThrows(IllegalArgumentException.class, () -> t.encode("x", 1));
        WordPieceTokenizer short5 = new WordPieceTokenizer(VOCAB, true, null, true, 5);
        int[] ids = short5.encode("unaffable unwanted running");
        assertArrayEquals(new int[]{1, 9, 15, 16, 2}, ids);
        // special-token strings in text are ordinary text
        assertEquals(List.of("[", "sep", "]"), t.basicTokenize("[SEP]"));
        assertArrayEquals(new int[]{1, 0, 0, 0, 2}, t.encode("[SEP]"));
    }

    @Test void fromFolderReadsVocabAndConfig() throws IOException {
        Files.write(dir.resolve("vocab.txt"), VOCAB);
        WordPieceTokenizer deflt = WordPieceTokenizer.fromFolder(dir);
        assertTrue(deflt.doLowerCase()); // BertTokenizer's default when there is no tokenizer_config.json
        assertEquals(VOCAB.size(), deflt.vocabSize());
        assertEquals(1, deflt.clsId());
        assertEquals(2, deflt.sepId());
        assertEquals(0, deflt.unkId());
        assertEquals(3, deflt.padId());
        assertEquals(4, deflt.maskId());
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"do_lower_case\": false, \"model_max_length\": 1000000000000000019884624838656, \"tokenize_chinese_chars\": true}");
        WordPieceTokenizer c = WordPieceTokenizer.fromFolder(dir);
        assertFalse(c.doLowerCase());
        assertEquals(512, c.maxLength());
        assertEquals(List.of("Sinus", "##rhythmus"), c.tokenize("Sinusrhythmus"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true, \"model_max_length\": 128}");
        assertEquals(128, WordPieceTokenizer.fromFolder(dir).maxLength());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> WordPieceTokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("do_lower_case"), e.getMessage());
    }

    @Test void badVocabularies() throws IOException {
        Files.write(dir.resolve("vocab.txt"), List.of("[CLS]", "[SEP]", "a"));
        ConfigException e = assertThrows(ConfigException.class, () -> WordPieceTokenizer.fromFolder(dir));
        assertTrue(e.getMessage().contains("vocab.txt") && e.getMessage().contains("[UNK]"), e.getMessage());
        ConfigException m = assertThrows(ConfigException.class, () -> WordPieceTokenizer.fromFolder(dir.resolve("none")));
        assertTrue(m.getMessage().contains("vocab.txt"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lower().decode(new int[]{VOCAB.size()}));
    }

    @Test void vocabularyFilesAreBoundedBeforeTheyAreRead() throws IOException {
        Path big = Files.createDirectories(dir.resolve("big"));
        StringBuilder lines = new StringBuilder("[UNK]\n[CLS]\n[SEP]\n");
        for (int i = 0; i < io.medualtime.nn.config.SizeLimits.MAX_VOCAB; i++) lines.append("t\n");
        Files.writeString(big.resolve("vocab.txt"), lines);
        ConfigException e = assertThrows(ConfigException.class, () -> WordPieceTokenizer.fromFolder(big));
        assertEquals(big.resolve("vocab.txt") + ": 1048579 tokens, more than the limit 1048576", e.getMessage());
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Files.createSymbolicLink(dev.resolve("vocab.txt"), Path.of("/dev/zero"));
        e = assertThrows(ConfigException.class, () -> WordPieceTokenizer.fromFolder(dev));
        assertEquals(dev.resolve("vocab.txt") + ": not a regular file", e.getMessage());
    }
}
