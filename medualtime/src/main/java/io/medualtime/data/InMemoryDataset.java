package io.medualtime.data;

import java.util.ArrayList;
import java.util.List;

/** A dataset whose records are all in memory (tests, small synthetic sets). */
public final class InMemoryDataset implements Dataset {
    private final DatasetInfo info;
    private final List<EcgRecord> records;

    public InMemoryDataset(DatasetInfo info, List<EcgRecord> records) {
        this.info = info;
        this.records = List.copyOf(records);
        for (EcgRecord r : this.records) {
            if (r.leads() != info.leads() || r.steps() != info.steps())
                throw new IllegalArgumentException("record " + r.id() + " is " + r.leads() + "x" + r.steps()
                        + ", dataset is " + info.leads() + "x" + info.steps());
            checkLabels(info, r);
        }
    }

    /** Checks that a record has one label per label column of {@code info}, each a class of its column (or none at all). */
    static void checkLabels(DatasetInfo info, EcgRecord r) {
        int[] y = r.labels();
        if (y.length != info.labels().size())
            throw new IllegalArgumentException("record " + r.id() + " has " + y.length + " labels, the dataset declares "
                    + info.labels().size() + " label columns");
        for (int c = 0; c < y.length; c++)
            if (y[c] >= info.labels().get(c).size())
                throw new IllegalArgumentException("record " + r.id() + ": label " + y[c] + " out of range for column '"
                        + info.labels().get(c).name() + "' (" + info.labels().get(c).size() + " classes)");
        if (info.ptbXlLabelling() && y[0] != Dataset.UNLABELLED && y[1] != EcgClasses.coarseOf(y[0]))
            throw new IllegalArgumentException("record " + r.id() + ": coarse label " + y[1] + " is not the grouping of fine label "
                    + y[0] + " (the PTB-XL labelling derives it)");
    }

    /** The records in storage order (unmodifiable). */
    public List<EcgRecord> records() { return records; }

    @Override public DatasetInfo info() { return info; }
    @Override public int size() { return records.size(); }

    @Override public int[] indices(Split split) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) if (records.get(i).split() == split) l.add(i);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override public String id(int index) { return records.get(index).id(); }
    @Override public Split split(int index) { return records.get(index).split(); }
    @Override public int label(int column, int index) { return records.get(index).label(column); }
    @Override public String report(int index) { return records.get(index).report(); }
    @Override public EcgRecord get(int index) { return records.get(index); }

    @Override public void readSignal(int index, float[] dst, int offset) {
        float[][] s = records.get(index).signal();
        int t = info.steps();
        for (int l = 0; l < s.length; l++) System.arraycopy(s[l], 0, dst, offset + l * t, t);
    }
}
