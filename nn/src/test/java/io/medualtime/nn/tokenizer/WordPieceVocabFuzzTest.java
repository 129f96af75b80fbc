package io.medualtime.nn.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

/** Any bytes as a WordPiece vocab.txt; a vocabulary that loads also encodes and decodes a short text (ParserContract). */
class WordPieceVocabFuzzTest {
    private static final Path FILE = ParserContract.scratch("wordpiece").resolve("vocab.txt");

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(FILE, input);
        ParserContract.check(() -> {
            WordPieceTokenizer t = WordPieceTokenizer.fromVocab(FILE, true);
            t.decode(t.encode(Gpt2BpeFilesFuzzTest.TEXT));
        }, List.of(ConfigException.class), FILE);
    }
}
