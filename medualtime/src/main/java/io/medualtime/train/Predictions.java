package io.medualtime.train;

import io.medualtime.data.Dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes predictions with class probabilities (and optionally logits and embeddings) as CSV or JSON (atomically). */
public final class Predictions {
    private Predictions() {}

    /**
     * CSV: {@code id,split,true,predicted,p_<class>...}, then {@code logit_<class>...} when {@code withLogits}, then
     * {@code z_0...z_<d-1>} when the scores hold embeddings, then a last column {@code unverified} (e.g.
     * {@code lm;data}) on every row when the LM or text encoder used is not verified to be the training one
     * ({@link Pins#weightsUnverified()}). "true" is the record's stored label, empty for a record without one.
     * JSON: {@code {"classNames": [...], "synthetic": bool, "data", "pins", "predictions": [{"id", "split", "true",
     * "predicted", "probabilities": [...], "logits": [...], "embedding": [...]}]}}: probabilities and logits in the
     * order of classNames, "true" null for a record without a label, "logits" / "embedding" only when asked for.
     *
     * @param pins the fingerprints of the LM, text encoder and data used (null: unknown)
     */
    public static void write(Path file, String format, Dataset d, List<String> classNames, Session.Scores sc, Pins pins,
            boolean withLogits) {
        int n = sc.indices().length;
        float[][] z = sc.embeddings();
        String text;
        if (format.equals("json")) {
            List<Map<String, Object>> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                int idx = sc.indices()[i];
                r.put("id", d.id(idx));
                r.put("split", d.split(idx).diskName());
                r.put("true", truth(classNames, sc, i));
                r.put("predicted", classNames.get(sc.predicted()[i]));
                r.put("probabilities", sc.probabilities()[i]);
                if (withLogits) r.put("logits", sc.logits()[i]);
                if (z != null) r.put("embedding", z[i]);
                rows.add(r);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("classNames", classNames);
            json.put("synthetic", d.isSynthetic());
            json.put("data", d.provenance());
            json.put("pins", pins);
            json.put("predictions", rows);
            text = MetricsJson.write(json);
        } else {
            String unverified = pins != null && pins.weightsUnverified() ? String.join(";", pins.unverified()) : null;
            StringBuilder sb = new StringBuilder("id,split,true,predicted");
            for (String c : classNames) sb.append(",p_").append(c);
            if (withLogits) for (String c : classNames) sb.append(",logit_").append(c);
            if (z != null && n > 0) for (int k = 0; k < z[0].length; k++) sb.append(",z_").append(k);
            sb.append(unverified == null ? "" : ",unverified").append('\n');
            for (int i = 0; i < n; i++) {
                int idx = sc.indices()[i];
                String t = truth(classNames, sc, i);
                sb.append(RunFolder.csvCell(d.id(idx))).append(',').append(d.split(idx).diskName()).append(',')
                        .append(t == null ? "" : t).append(',').append(classNames.get(sc.predicted()[i]));
                for (double p : sc.probabilities()[i]) sb.append(',').append((float) p);
                if (withLogits) for (float v : sc.logits()[i]) sb.append(',').append(v);
                if (z != null) for (float v : z[i]) sb.append(',').append(v);
                sb.append(unverified == null ? "" : "," + RunFolder.csvCell(unverified)).append('\n');
            }
            text = sb.toString();
        }
        RunFolder.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String truth(List<String> classNames, Session.Scores sc, int i) {
        return sc.truth()[i] == Dataset.UNLABELLED ? null : classNames.get(sc.truth()[i]);
    }
}
