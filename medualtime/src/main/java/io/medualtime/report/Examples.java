package io.medualtime.report;

import io.medualtime.data.Dataset;
import io.medualtime.data.DiskDataset;
import io.medualtime.data.Split;
import io.medualtime.tensor.Device;
import io.medualtime.train.LabelKind;
import io.medualtime.train.SavedRun;
import io.medualtime.train.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few test ECGs drawn on the page: the first test record of each class (storage order), with what each saved
 * model predicts for them, re-predicted on the CPU from the run's checkpoint (so a rebuilt page shows the same).
 */
final class Examples {
    /** A model's prediction for one record; {@code correct} compares it with the record's label of that model's kind. */
    record Guess(String source, String label, boolean correct) {}

    /** One drawn record. */
    record Example(String id, String report, String truth, float[][] signal, List<String> leads, double hz, List<Guess> guesses) {}

    /** The drawn records and notes on what could not be shown (never empty when {@code examples} is). */
    record Drawn(List<Example> examples, List<String> notes) {}

    /** A model that predicts the examples: the page's name for it and its run folder. */
    record Predictor(String source, RunView run) {}

    private Examples() {}

    /**
     * Up to {@code max} records (one per class of {@code label}) from the test split of {@code dataFolder}, with
     * the predictions of each predictor. Missing data or a model that cannot load become notes, not failures.
     */
    static Drawn load(Path dataFolder, LabelKind label, List<Predictor> predictors, int max) {
        List<String> notes = new ArrayList<>();
        if (dataFolder == null) return new Drawn(List.of(), List.of("the run does not say which dataset it used: no ECGs drawn"));
        if (!Files.isRegularFile(dataFolder.resolve("dataset.json")))
            return new Drawn(List.of(), List.of("the dataset " + dataFolder + " is not there any more: no ECGs drawn"));
        try (Dataset d = DiskDataset.open(dataFolder)) {
            int[] chosen = pick(d, label, max);
            if (chosen.length == 0) return new Drawn(List.of(), List.of("the test split is empty: no ECGs drawn"));
            List<List<Guess>> guesses = new ArrayList<>();
            for (int i = 0; i < chosen.length; i++) guesses.add(new ArrayList<>());
            for (Predictor p : predictors) {
                try {
                    Session s = SavedRun.open(p.run().dir(), d, Device.CPU);
                    Session.Scores sc = s.score(chosen, 64, "examples for the report (" + p.source() + ")");
                    List<String> names = s.spec.classNames();
                    for (int i = 0; i < chosen.length; i++)
                        guesses.get(i).add(new Guess(p.source(), names.get(sc.predicted()[i]), sc.predicted()[i] == sc.truth()[i]));
                } catch (Exception e) {
                    notes.add("no predictions of " + p.source() + ": " + e.getMessage());
                }
            }
            List<Example> out = new ArrayList<>();
            for (int i = 0; i < chosen.length; i++) {
                int idx = chosen[i];
                out.add(new Example(d.id(idx), d.report(idx), label.classNames(d).get(label.label(d, idx)), d.get(idx).signal(),
                        d.leadNames(), d.samplingRate(), guesses.get(i)));
            }
            return new Drawn(out, notes);
        } catch (Exception e) {
            return new Drawn(List.of(), List.of("cannot read the dataset " + dataFolder + ": " + e.getMessage()));
        }
    }

    /** The first test record of each class, in class order, at most {@code max}. */
    static int[] pick(Dataset d, LabelKind label, int max) {
        int classes = label.classNames(d).size();
        int[] first = new int[classes];
        java.util.Arrays.fill(first, -1);
        for (int idx : d.indices(Split.TEST)) {
            int c = label.label(d, idx);
            if (first[c] < 0) first[c] = idx;
        }
        return java.util.Arrays.stream(first).filter(i -> i >= 0).limit(max).toArray();
    }
}
