package io.medualtime.nn.bert;

import io.medualtime.nn.StateDictLoader;
import io.medualtime.nn.config.ConfigException;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.io.SafetensorsReader;
import io.medualtime.tensor.io.ShardedSafetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads a Hugging Face BERT or DistilBERT folder (config.json + model.safetensors or a sharded
 * index) into {@link Bert} or {@link DistilBert}, chosen by config.json's model_type.
 *
 * <p>Keys may be bare ({@code BertModel} / {@code DistilBertModel}) or carry the task-model prefix
 * ({@code bert.} / {@code distilbert.}, as in BertForMaskedLM or DistilBertForMaskedLM). In a prefixed
 * file the unprefixed tensors are task heads (cls.*, vocab_transform, vocab_projector, classifier...)
 * and are ignored. The BERT pooler ({@code pooler.dense.*}) and the {@code embeddings.position_ids}
 * buffer are always ignored. Every other tensor must match: a missing tensor, a shape that disagrees
 * with config.json, or an unexpected tensor is a {@link ConfigException} naming the file and tensor.
 * config.json's sizes, the header's shapes and the heap are checked before the model is built,
 * and every weight is checked finite (see {@link StateDictLoader}). The model comes back in eval
 * mode (no dropout) with trainable parameters; call {@code train(true)} to fine-tune it, or
 * {@code freeze()} for a frozen encoder (as {@link BertTextEncoder} does).
 */
public final class BertLoader {
    private BertLoader() {}

    private static final Set<String> ALWAYS_IGNORED = Set.of("pooler.dense.weight", "pooler.dense.bias", "embeddings.position_ids");

    /** The model of a BERT or DistilBERT folder, in eval mode. */
    public static BertEncoder load(Path folder) throws IOException {
        BertConfig cfg = BertConfig.load(folder);
        String prefix = cfg.isDistilBert() ? "distilbert." : "bert.";
        BertEncoder model;
        try (SafetensorsReader st = ShardedSafetensors.open(folder)) {
            boolean prefixed = false;
            for (String key : st.names()) prefixed |= key.startsWith(prefix);
            Map<String, String> byShortName = new LinkedHashMap<>();
            for (String key : st.names()) {
                String k = key;
                if (prefixed) {
                    if (!key.startsWith(prefix)) continue;   // a task head
                    k = key.substring(prefix.length());
                }
                if (ALWAYS_IGNORED.contains(k)) continue;
                byShortName.put(k, key);
            }
            StateDictLoader.Keys keys = new StateDictLoader.Keys(byShortName, prefixed ? prefix : "",
                    "a " + cfg.modelType() + " of " + cfg.numHiddenLayers() + " layers of width " + cfg.hiddenSize(), cfg.modelType());
            model = StateDictLoader.buildAndLoad(cfg.stateDictShapes(),
                    () -> cfg.isDistilBert() ? new DistilBert(cfg, new Rng(0)) : new Bert(cfg, new Rng(0)), st, keys,
                    StateDictLoader.NEVER_MAP);
        }
        model.eval();
        return model;
    }
}
