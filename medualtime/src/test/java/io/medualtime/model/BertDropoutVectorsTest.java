package io.medualtime.model;

import io.medualtime.nn.bert.BertLoader;
import io.medualtime.nn.bert.BertTextEncoder;
import io.medualtime.nn.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** BERT's report vector with dropout active (the official training step) versus the cached eval-mode vector. */
public class BertDropoutVectorsTest {
    /** The tiny DistilBERT fixture (width 32, as the tests' tiny LM) copied into {@code dir} with its dropout switched on (the fixture's is 0). */
    public static Path bertWithDropout(Path dir) throws Exception {
        Path fixture = Path.of("../nn/src/test/resources/fixtures/distilbert-tiny");
        Files.createDirectories(dir);
        try (var files = Files.list(fixture)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        String cfg = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"attention_dropout\": 0.0", "\"attention_dropout\": 0.1")
                .replace("\"dropout\": 0.0", "\"dropout\": 0.1"));
        return dir;
    }

    @Test void dropoutVectorsChangePerCallAndLeaveTheEncoderInEvalMode(@TempDir Path tmp) throws Exception {
        Path dir = bertWithDropout(tmp.resolve("bert"));
        var bert = new BertReportEncoder(new BertTextEncoder(BertLoader.load(dir), WordPieceTokenizer.fromFolder(dir), 16));
        List<String> reports = List.of("sinus rhythm", "inferior infarct");
        float[] eval = bert.encode(reports).toArray();
        float[] a = bert.encodeWithDropout(reports).toArray(), b = bert.encodeWithDropout(reports).toArray();
        assertFalse(java.util.Arrays.equals(eval, a), "dropout active");
        assertFalse(java.util.Arrays.equals(a, b), "a fresh mask every step");
        assertArrayEquals(eval, bert.encode(reports).toArray(), 0f, "back in eval mode afterwards");
        assertFalse(bert.dropoutRngs().isEmpty());
    }
}
