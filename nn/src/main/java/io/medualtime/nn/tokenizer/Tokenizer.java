package io.medualtime.nn.tokenizer;

/** Text to token ids and back. Implementations are immutable and thread-safe. */
public interface Tokenizer {

    /** Token ids of {@code text}, including whatever framing tokens the model expects (e.g. [CLS]/[SEP] for BERT). */
    int[] encode(String text);

    /** Text of the ids; throws IllegalArgumentException for an id outside [0, vocabSize()). */
    String decode(int[] ids);

    /** Number of ids (embedding rows the model needs). */
    int vocabSize();
}
