package io.medualtime.nn.gpt2;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Several independent batches ({@link Pass}es) through GPT-2's blocks together, their rows stacked
 * into one [rows, C] matrix (one pass's rows after another's): the position-wise work of a block
 * (LayerNorms, c_attn, c_proj, the MLP) then runs once over the rows of all of them, so each weight
 * is read and packed for its matrix product once per layer instead of once per batch, forward and
 * backward; attention, its mask and its hook stay per pass (Gpt2.Attention.forward). A single
 * batch is the case of one pass, which needs no joining.
 *
 * <p>In the last block a pass that reads one row per sample keeps only those rows: nothing after it
 * mixes positions, so only those query rows are computed there (keys and values still come from every
 * position).
 */
final class Passes {
    /**
     * A pass inside the blocks: its batch and length, its attention masks (all query rows, and in
     * the last block only the rows it reads), its hook and the rows it reads (null: all).
     */
    record Seq(int b, int t, Tensor mask, Tensor lastMask, AttentionHook hook, int[] queryRows) {}

    private final List<Seq> seqs;

    Passes(List<Seq> seqs) { this.seqs = List.copyOf(seqs); }

    /** One batch [B, T] whose every row is read: nothing to join or split. */
    static Passes single(int b, int t, Tensor mask, AttentionHook hook) {
        return new Passes(List.of(new Seq(b, t, mask, mask, hook, null)));
    }

    List<Seq> seqs() { return seqs; }

    /**
     * Runs {@code passes} through the blocks of {@code lm} (no KV cache): each result [B, T, C], or
     * [B, 1, C] for a pass that reads one row per sample, before ln_f.
     */
    static List<Tensor> run(Gpt2 lm, List<Pass> passes) {
        int c = lm.config.nEmbd();
        List<Seq> seqs = new ArrayList<>();
        List<Tensor> rows = new ArrayList<>();
        for (Pass p : passes) {
            Tensor x = p.x();
            int b = x.size(0), t = x.size(1);
            checkRows(p.rowPerSample(), b, t);
            Tensor mask = lm.attentionMask(b, t, 0, p.padMask(), null, x.device());
            Tensor lastMask = p.rowPerSample() == null ? mask : lm.attentionMask(b, t, 0, p.padMask(), p.rowPerSample(), x.device());
            seqs.add(new Seq(b, t, mask, lastMask, p.hook(), p.rowPerSample()));
            rows.add(x.reshape(b * t, c));
        }
        Passes all = new Passes(seqs);
        int last = lm.h.size() - 1;
        Tensor joint = null;                                                        // [all rows, C] once together
        for (Gpt2.Block block : lm.h) {
            boolean lastBlock = block.index == last;
            if (joint == null && rows.stream().map(Tensor::requiresGrad).distinct().count() > 1) {
                // a pass that needs no gradient yet (MedualTime's report before its first adapter)
                // runs alone: joined, the backward would compute input gradients of its rows for nothing
                for (int p = 0; p < rows.size(); p++)
                    rows.set(p, block.forward(rows.get(p), new Passes(List.of(seqs.get(p))), null, lastBlock));
                continue;
            }
            if (joint == null) joint = join(rows);
            joint = block.forward(joint, all, null, lastBlock);
        }
        List<Tensor> parts = joint == null ? rows : all.split(joint, true), out = new ArrayList<>();
        for (int p = 0; p < seqs.size(); p++) {
            int b = seqs.get(p).b();
            out.add(parts.get(p).reshape(b, parts.get(p).size(0) / b, c));
        }
        return out;
    }

    private static void checkRows(int[] rows, int b, int t) {
        if (rows == null) return;
        if (rows.length != b) throw new IllegalArgumentException(rows.length + " rows for a batch of " + b);
        for (int r : rows)
            if (r < 0 || r >= t) throw new IllegalArgumentException("row " + r + " outside a sequence of " + t);
    }

    /**
     * Each pass's own rows of x [rows, C], in order: B*T each, or after the last block one per
     * sample for a pass that reads one row per sample.
     */
    List<Tensor> split(Tensor x, boolean afterLastBlock) {
        if (seqs.size() == 1 && !(afterLastBlock && seqs.get(0).queryRows() != null)) return List.of(x);
        List<Tensor> parts = new ArrayList<>();
        int row = 0;
        for (Seq s : seqs) {
            int n = afterLastBlock && s.queryRows() != null ? s.b() : s.b() * s.t();
            parts.add(x.narrow(0, row, n));
            row += n;
        }
        return parts;
    }

    /** The rows of several [n_i, C] matrices stacked (no copy for one). */
    static Tensor join(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : F.cat(0, parts.toArray(new Tensor[0]));
    }

    /** The rows the last block keeps of x [rows, C]: per pass, one per sample where it reads one, else all. */
    Tensor keptRows(Tensor x) {
        if (seqs.stream().allMatch(s -> s.queryRows() == null)) return x;
        List<Tensor> own = split(x, false), parts = new ArrayList<>();
        int c = x.size(1);
        for (int p = 0; p < seqs.size(); p++) {
            Seq s = seqs.get(p);
            parts.add(s.queryRows() == null ? own.get(p) : rowsAt(own.get(p).reshape(s.b(), s.t(), c), s.queryRows()).reshape(s.b(), c));
        }
        return join(parts);
    }

    /** Row {@code rows[b]} of each sample b of x [B, T, D]: [B, 1, D] (a gather, so gradients flow back). */
    static Tensor rowsAt(Tensor x, int[] rows) {
        int b = x.size(0), t = x.size(1), d = x.size(2);
        int[] flat = new int[b];
        for (int i = 0; i < b; i++) flat[i] = i * t + rows[i];
        return F.indexSelect(x.reshape(b * t, d), 0, flat).reshape(b, 1, d);
    }
}
