package io.medualtime.data;

import java.util.Set;

/**
 * Checks that a dataset can serve a protocol, run before its first epoch so that a data problem never costs a
 * training run. MINIMAL VERSION (rel-runs branch): only the empty-split check; the complete checks (non-finite
 * signals, rows dropped, ...) replace this class when the branches merge.
 */
public final class DataChecks {
    private DataChecks() {}

    /**
     * Throws {@link EcgDataException} (one line naming the dataset and the split) when one of {@code splits}
     * has no records.
     */
    public static void requireUsable(Dataset data, Set<Split> splits) {
        for (Split s : Split.values())
            if (splits.contains(s) && data.size(s) == 0)
                throw new EcgDataException(null, "dataset " + data.name(), "the " + s.diskName()
                        + " split is empty, and this protocol needs it");
    }
}
