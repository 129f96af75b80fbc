package io.medualtime.nn.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.medualtime.nn.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 byte-level BPE tokenizer with the same ids as Hugging Face's GPT-2 tokenizer.
 *
 * <p>Two back ends: {@link #r50k()} uses JTokkit's bundled r50k_base ranks (identical to GPT-2's
 * vocabulary: the rank of every token is its GPT-2 id; works offline), and {@link #fromFiles} runs our
 * own BPE on a model folder's vocab.json + merges.txt. {@link #forModelFolder} picks the files when
 * present.
 *
 * <p><b>The literal text {@code <|endoftext|>}</b>: {@link #encode} treats it as ordinary text (it
 * becomes several ordinary tokens, never id 50256), so untrusted input cannot inject an end-of-text
 * marker; code that wants an EOS appends {@link #eosId()} itself. Note this differs from Hugging Face's
 * {@code tokenizer(text)}, which by default recognises the literal as the special token; use
 * {@link #encodeWithSpecialTokens} for exactly that behaviour.
 */
public final class Gpt2Tokenizer implements Tokenizer {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final int GPT2_VOCAB_SIZE = 50257;
    public static final int GPT2_EOS_ID = 50256;

    private static volatile Gpt2Tokenizer r50k;

    private final Encoding jtokkit;   // one of these two is non-null
    private final ByteLevelBpe bpe;
    private final int eosId;
    private final int vocabSize;
    private final String source;

    private Gpt2Tokenizer(Encoding jtokkit, ByteLevelBpe bpe, int eosId, int vocabSize, String source) {
        this.jtokkit = jtokkit;
        this.bpe = bpe;
        this.eosId = eosId;
        this.vocabSize = vocabSize;
        this.source = source;
    }

    /** GPT-2's tokenizer from JTokkit's bundled r50k_base ranks (loaded once, shared). */
    public static Gpt2Tokenizer r50k() {
        Gpt2Tokenizer t = r50k;
        if (t == null) {
            synchronized (Gpt2Tokenizer.class) {
                t = r50k;
                if (t == null) {
                    Encoding enc = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
                    r50k = t = new Gpt2Tokenizer(enc, null, GPT2_EOS_ID, GPT2_VOCAB_SIZE, "jtokkit r50k_base");
                }
            }
        }
        return t;
    }

    /** Byte-level BPE from Hugging Face's vocab.json and merges.txt. */
    public static Gpt2Tokenizer fromFiles(Path vocabJson, Path mergesTxt) throws ConfigException {
        ByteLevelBpe b = ByteLevelBpe.load(vocabJson, mergesTxt);
        Integer eos = b.tokenId(END_OF_TEXT);
        if (eos == null) {
            throw new ConfigException(vocabJson + ": no '" + END_OF_TEXT + "' token");
        }
        return new Gpt2Tokenizer(null, b, eos, b.vocabSize(), vocabJson.getParent() + " (vocab.json + merges.txt)");
    }

    /** vocab.json + merges.txt from the folder when both exist, else {@link #r50k()}. */
    public static Gpt2Tokenizer forModelFolder(Path dir) throws ConfigException {
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        boolean hv = Files.isRegularFile(vocab), hm = Files.isRegularFile(merges);
        if (hv && hm) return fromFiles(vocab, merges);
        if (hv || hm) {
            throw new ConfigException(dir + ": has " + (hv ? "vocab.json but no merges.txt" : "merges.txt but no vocab.json"));
        }
        return r50k();
    }

    /**
     * {@link #forModelFolder(Path)} for the model of that folder: refused, naming both sizes, when
     * the tokenizer has ids that the model's embedding (config.json's vocab_size rows) does not.
     */
    public static Gpt2Tokenizer forModelFolder(Path dir, int modelVocabSize) throws ConfigException {
        Gpt2Tokenizer t = forModelFolder(dir);
        if (t.vocabSize() > modelVocabSize) {
            String which = t.bpe != null
                    ? dir.resolve("vocab.json") + ": the tokenizer has"
                    : dir + ": without vocab.json and merges.txt the built-in GPT-2 tokenizer is used, which has";
            throw new ConfigException(which + " " + t.vocabSize() + " ids but config.json's vocab_size is " + modelVocabSize
                    + ": ids from " + modelVocabSize + " on have no embedding; use the tokenizer files that came with the model");
        }
        return t;
    }

    /** Ids of the text; {@code <|endoftext|>} in the text is ordinary text (see the class comment). */
    @Override public int[] encode(String text) {
        if (jtokkit != null) return jtokkit.encodeOrdinary(text).toArray();
        List<Integer> out = new ArrayList<>();
        bpe.encodeOrdinary(text, out);
        return toArray(out);
    }

    /** Like Hugging Face's default {@code tokenizer(text)}: each literal {@code <|endoftext|>} becomes {@link #eosId()}. */
    public int[] encodeWithSpecialTokens(String text) {
        List<Integer> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = text.indexOf(END_OF_TEXT, from);
            String part = text.substring(from, at < 0 ? text.length() : at);
            if (!part.isEmpty()) for (int id : encode(part)) out.add(id);
            if (at < 0) break;
            out.add(eosId);
            from = at + END_OF_TEXT.length();
        }
        return toArray(out);
    }

    @Override public String decode(int[] ids) {
        if (bpe != null) return bpe.decode(ids);
        IntArrayList l = new IntArrayList(ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside [0, " + vocabSize + ")");
            }
            l.add(ids[i]);
        }
        return jtokkit.decode(l);
    }

    @Override public int vocabSize() {
        return vocabSize;
    }

    /** Id of {@code <|endoftext|>} (50256 for GPT-2). */
    public int eosId() {
        return eosId;
    }

    /** Where the vocabulary came from (for logs). */
    public String source() {
        return source;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    @Override public String toString() {
        return "Gpt2Tokenizer[" + source + "]";
    }
}
