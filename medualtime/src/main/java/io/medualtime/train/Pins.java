package io.medualtime.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run was trained with, by content ({@code run.json} "pins"): the frozen LM (its folder's files, or the
 * random-init LM's generated weights), the text encoder (the BERT folder; null when the LM itself gives the report
 * vectors) and the dataset, with the dataset's folder. A reloaded run is checked against them (see {@link SavedRun}).
 *
 * @param lm          the frozen LM
 * @param textEncoder the BERT / DistilBERT folder, or null
 * @param data        the dataset (null when it was not a dataset folder)
 * @param dataFolder  the dataset's absolute folder, or null
 * @param unverified  of a reloaded run only: the inputs NOT verified to be the ones it was trained with ({@link #LM},
 *                    {@link #TEXT_ENCODER}, {@link #DATA}): changed and accepted by an override, another dataset,
 *                    or all of them for a run written before runs were pinned; empty (and not written) otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Pins(Fingerprint lm, Fingerprint textEncoder, Fingerprint data, String dataFolder,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unverified) {
    public static final String LM = "lm", TEXT_ENCODER = "text encoder", DATA = "data";

    /** Fingerprints of random-init LMs generated in this JVM (a few bytes each; a JVM uses a handful of LMs). */
    private static final Map<ModelSpec.RandomLm, Fingerprint> GENERATED = new ConcurrentHashMap<>();

    public Pins {
        unverified = unverified == null ? List.of() : List.copyOf(unverified);
    }

    /**
     * The pins of a new run of {@code spec} on {@code data}: the files are hashed once and cached beside them; the
     * random-init LM is generated and its weights hashed (the generator is code: only its output can show that a
     * newer version generates other weights from the same sizes and seed; generated once per JVM and LM, since the
     * same code gives the same weights: a reload always hashes the weights it really built).
     */
    public static Pins of(ModelSpec spec, Dataset data) throws IOException {
        Fingerprint lm = spec.lmFolder() != null
                ? Fingerprint.ofModelFolder(Path.of(spec.lmFolder()))
                : GENERATED.computeIfAbsent(spec.randomLm(), r -> Fingerprint.ofWeights(r.generate()));
        Fingerprint text = spec.textEncoderFolder() != null ? Fingerprint.ofModelFolder(Path.of(spec.textEncoderFolder())) : null;
        Path folder = data instanceof DiskDataset d ? d.folder().toAbsolutePath().normalize() : null;
        return new Pins(lm, text, folder == null ? null : Fingerprint.ofDataset(folder), folder == null ? null : folder.toString(),
                List.of());
    }

    /** Whether the weights (LM or text encoder) in use are not known to be those of training. */
    public boolean weightsUnverified() {
        return unverified.contains(LM) || unverified.contains(TEXT_ENCODER);
    }
}
