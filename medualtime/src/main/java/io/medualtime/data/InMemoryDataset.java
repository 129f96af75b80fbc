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
        for (EcgRecord r : this.records)
            if (r.leads() != info.leads() || r.steps() != info.steps())
                throw new IllegalArgumentException("record " + r.id() + " is " + r.leads() + "x" + r.steps()
                        + ", dataset is " + info.leads() + "x" + info.steps());
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
    @Override public int fineLabel(int index) { return records.get(index).fineLabel(); }
    @Override public String report(int index) { return records.get(index).report(); }
    @Override public EcgRecord get(int index) { return records.get(index); }

    @Override public void readSignal(int index, float[] dst, int offset) {
        float[][] s = records.get(index).signal();
        int t = info.steps();
        for (int l = 0; l < s.length; l++) System.arraycopy(s[l], 0, dst, offset + l * t, t);
    }
}
