package io.medualtime.nn.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import io.medualtime.nn.config.ConfigException;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes as GPT-2's vocab.json + merges.txt (one input, split at a {@value #MERGES} line); a vocabulary that
 * loads also encodes and decodes a short text (ParserContract).
 */
class Gpt2BpeFilesFuzzTest {
    static final String MERGES = "==> merges.txt <==";
    static final String TEXT = "Sinus rhythm, rate 72/min. Ünïcode ✓ and   spaces\n";
    private static final Path DIR = ParserContract.scratch("gpt2-bpe");

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        byte[][] parts = ParserContract.split(input, MERGES);
        Path vocab = ParserContract.write(DIR.resolve("vocab.json"), parts[0]);
        Path merges = ParserContract.write(DIR.resolve("merges.txt"), parts[1]);
        ParserContract.check(() -> {
            Gpt2Tokenizer t = Gpt2Tokenizer.fromFiles(vocab, merges);
            t.decode(t.encode(TEXT));
        }, List.of(ConfigException.class), vocab, merges);
    }
}
