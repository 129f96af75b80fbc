package io.medualtime.nn.config;

/**
 * The largest sizes a model or tokenizer file may declare. Every size read from a file is checked
 * against these before anything is allocated, so a corrupt or hostile file gets a one-line error
 * instead of an OutOfMemoryError or minutes of garbage collection. Each limit is far above the
 * released models of these families (GPT-2 xl: vocabulary 50,257, 1,024 positions, 48 layers of
 * width 1,600 with 25 heads; BERT-large: 24 layers of width 1,024, 512 positions). docs/GPT2.md lists them.
 */
public final class SizeLimits {
    private SizeLimits() {}

    /** vocab_size, and every token id in vocab.json / line of vocab.txt / merges.txt: 2^20. */
    public static final int MAX_VOCAB = 1 << 20;
    /** n_positions (n_ctx) / max_position_embeddings: 65,536. */
    public static final int MAX_POSITIONS = 1 << 16;
    /** n_embd / hidden_size / dim: 65,536. */
    public static final int MAX_WIDTH = 1 << 16;
    /** n_inner / intermediate_size / hidden_dim: 262,144. */
    public static final int MAX_INNER = 1 << 18;
    /** n_layer / num_hidden_layers / n_layers: 1,024. */
    public static final int MAX_LAYERS = 1024;
    /** n_head / num_attention_heads / n_heads: 1,024. */
    public static final int MAX_HEADS = 1024;
    /** BERT's type_vocab_size: 1,024. */
    public static final int MAX_TOKEN_TYPES = 1024;
    /** Elements of one tensor: what a Java array holds. */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;
    /** config.json, tokenizer_config.json: 16 MiB. */
    public static final long MAX_CONFIG_BYTES = 16L << 20;
    /** vocab.json, merges.txt, vocab.txt: 64 MiB (GPT-2's vocab.json is 1 MB). */
    public static final long MAX_VOCAB_FILE_BYTES = 64L << 20;

    /** A size field: positive and at most {@code max}, else an IllegalArgumentException naming the field and value. */
    public static void requireSize(String field, int value, int max) {
        if (value <= 0) throw new IllegalArgumentException("field \"" + field + "\" must be positive, got " + value);
        if (value > max)
            throw new IllegalArgumentException("field \"" + field + "\" = " + value + " exceeds the supported maximum " + max
                    + " (far above any released model: a corrupt config?)");
    }

    /** A tensor the sizes imply ({@code what}, e.g. "vocab_size x n_embd") must fit one Java array. */
    public static void requireTensor(String what, long rows, long cols) {
        if (rows * cols > MAX_TENSOR_ELEMENTS)
            throw new IllegalArgumentException(what + " = " + rows + " x " + cols + " = " + rows * cols
                    + " elements, more than one tensor holds (" + MAX_TENSOR_ELEMENTS + ")");
    }
}
