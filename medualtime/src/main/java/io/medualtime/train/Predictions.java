package io.medualtime.train;

import io.medualtime.data.Dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes predictions with class probabilities as CSV or JSON (atomically). */
public final class Predictions {
    private Predictions() {}

    /**
     * CSV: {@code id,split,true,predicted,p_<class>...} (class names; the stored label of the record as "true"), plus a
     * last column {@code unverified} (e.g. {@code lm;data}) on every row when the LM or text encoder used is not
     * verified to be the training one ({@link Pins#weightsUnverified()}).
     * JSON: {@code {"classNames": [...], "synthetic": bool, "data", "pins", "predictions": [{"id", "split", "true", "predicted", "probabilities"}]}}.
     *
     * @param pins the fingerprints of the LM, text encoder and data used (null: unknown)
     */
    public static void write(Path file, String format, Dataset d, List<String> classNames, Session.Scores sc, Pins pins) {
        int n = sc.indices().length;
        String text;
        if (format.equals("json")) {
            List<Map<String, Object>> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                int idx = sc.indices()[i];
                r.put("id", d.id(idx));
                r.put("split", d.split(idx).diskName());
                r.put("true", classNames.get(sc.truth()[i]));
                r.put("predicted", classNames.get(sc.predicted()[i]));
                r.put("probabilities", sc.probabilities()[i]);
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
            sb.append(unverified == null ? "" : ",unverified").append('\n');
            for (int i = 0; i < n; i++) {
                int idx = sc.indices()[i];
                sb.append(RunFolder.csvCell(d.id(idx))).append(',').append(d.split(idx).diskName()).append(',')
                        .append(classNames.get(sc.truth()[i])).append(',').append(classNames.get(sc.predicted()[i]));
                for (double p : sc.probabilities()[i]) sb.append(',').append((float) p);
                sb.append(unverified == null ? "" : "," + RunFolder.csvCell(unverified)).append('\n');
            }
            text = sb.toString();
        }
        RunFolder.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
