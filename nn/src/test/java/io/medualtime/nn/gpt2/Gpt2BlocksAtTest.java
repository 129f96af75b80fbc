package io.medualtime.nn.gpt2;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Gpt2#blocksAt} (the last block computes only one query row per sample) equals the same
 * rows of {@link Gpt2#blocks}: values within 1e-6, input and weight gradients within 1e-5, on the
 * tiny GPT-2 fixture with and without a padding mask, with an attention hook.
 */
class Gpt2BlocksAtTest {
    static final int B = 2, T = 16;

    /** A hook on every layer that depends on q, so the narrowed queries reach the adapter too. */
    static final AttentionHook ADAPTER = (layer, q, attn, out) -> out.add(q.tanh().mul(0.5f).transpose(1, 2));

    @Test void lastRealTokenRowsWithPaddingAndAdapter() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"))) {
            int[] ids = f.readInt("pad_ids"), mask = f.readInt("pad_mask");
            int[] last = new int[B];
            for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) if (mask[b * T + t] == 1) last[b] = t;
            assertNotEquals(last[0], last[1], "the fixture should pad the samples differently");
            check(ids, mask, ADAPTER, last);
            check(ids, mask, null, last);
            check(ids, mask, ADAPTER, new int[]{0, 7});          // any rows, padding ones included
        }
    }

    @Test void lastPositionWithoutPadding() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"))) {
            int[] ids = f.readInt("ids");
            check(ids, null, ADAPTER, new int[]{T - 1, T - 1});
            check(ids, null, ADAPTER, new int[]{3, T - 1});
        }
    }

    /**
     * Two batches through the blocks together (shared products, attention apart) equal each run
     * alone: a short one with an adapter reading two rows, and a padded one reading every row.
     */
    @Test void passesTogetherEqualPassesAlone() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"))) {
            int[] ids = f.readInt("ids"), padIds = f.readInt("pad_ids"), mask = f.readInt("pad_mask");
            int shortT = 10;
            int[] shortIds = new int[B * shortT];
            for (int b = 0; b < B; b++) System.arraycopy(ids, b * T, shortIds, b * shortT, shortT);
            Gpt2 lm = Gpt2Loader.load(dir());
            int c = lm.config.nEmbd();
            Tensor wA = Tensor.randn(new Rng(3), B, 1, c), wB = Tensor.randn(new Rng(4), B, T, c);

            Tensor[] alone = new Tensor[2], aloneGrad = new Tensor[2];
            Map<String, Tensor> aloneParams = new java.util.LinkedHashMap<>();
            Tensor xa = lm.embed(shortIds, B, shortT, 0).detach().requiresGrad(true);
            Tensor xb = lm.embed(padIds, B, T, 0).detach().requiresGrad(true);
            alone[0] = lm.blocksAt(xa, null, ADAPTER, new int[]{3, shortT - 1});
            alone[1] = lm.blocks(xb, mask, null, null);
            alone[0].mul(wA).sum().add(alone[1].mul(wB).sum()).backward();
            aloneGrad[0] = xa.grad();
            aloneGrad[1] = xb.grad();
            for (Map.Entry<String, Tensor> p : lm.namedParameters().entrySet())
                if (p.getValue().grad() != null) aloneParams.put(p.getKey(), p.getValue().grad().contiguous());
            lm.zeroGrad();

            Tensor ya = lm.embed(shortIds, B, shortT, 0).detach().requiresGrad(true);
            Tensor yb = lm.embed(padIds, B, T, 0).detach().requiresGrad(true);
            java.util.List<Tensor> together = lm.blocksAt(java.util.List.of(
                    new Pass(ya, null, ADAPTER, new int[]{3, shortT - 1}), new Pass(yb, mask, null, null)));
            assertArrayEquals(new int[]{B, 1, c}, together.get(0).shape());
            assertArrayEquals(new int[]{B, T, c}, together.get(1).shape());
            Fixtures.assertClose("together: first pass", alone[0], together.get(0), 1e-6);
            Fixtures.assertClose("together: second pass", alone[1], together.get(1), 1e-6);
            together.get(0).mul(wA).sum().add(together.get(1).mul(wB).sum()).backward();
            Fixtures.assertClose("together: first input gradient", aloneGrad[0], ya.grad(), 1e-5);
            Fixtures.assertClose("together: second input gradient", aloneGrad[1], yb.grad(), 1e-5);
            assertEquals(24, aloneParams.size());
            for (Map.Entry<String, Tensor> p : aloneParams.entrySet())
                Fixtures.assertClose("together: grad " + p.getKey(), p.getValue(), lm.namedParameters().get(p.getKey()).grad(), 1e-5);
        }
    }

    /** A pass whose input needs no gradient runs alone until its rows do (here: after block 0); results unchanged. */
    @Test void aPassWithoutGradientJoinsLater() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"))) {
            int[] ids = f.readInt("ids"), padIds = f.readInt("pad_ids"), mask = f.readInt("pad_mask");
            Gpt2 lm = Gpt2Loader.load(dir());
            int c = lm.config.nEmbd();
            Tensor w = Tensor.randn(new Rng(5), B, 1, c);
            Tensor xa = lm.embed(ids, B, T, 0).detach().requiresGrad(true);
            Tensor aloneA = lm.blocksAt(xa, null, ADAPTER, new int[]{T - 1, 2});
            Tensor aloneB;
            try (var g = io.medualtime.tensor.autograd.GradMode.noGrad()) {
                aloneB = lm.blocks(lm.embed(padIds, B, T, 0), mask, null, null);
            }
            aloneA.mul(w).sum().backward();
            Tensor gradA = xa.grad();
            lm.zeroGrad();
            Tensor ya = lm.embed(ids, B, T, 0).detach().requiresGrad(true);
            Tensor yb = lm.embed(padIds, B, T, 0).detach();               // needs no gradient at its input
            assertFalse(yb.requiresGrad());
            java.util.List<Tensor> together = lm.blocksAt(java.util.List.of(
                    new Pass(ya, null, ADAPTER, new int[]{T - 1, 2}), new Pass(yb, mask, null, null)));
            Fixtures.assertClose("mixed: first pass", aloneA, together.get(0), 1e-6);
            Fixtures.assertClose("mixed: second pass", aloneB, together.get(1), 1e-6);
            together.get(0).mul(w).sum().backward();
            Fixtures.assertClose("mixed: first input gradient", gradA, ya.grad(), 1e-5);
        }
    }

    @Test void refusesRowsOutsideTheSequence() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir());
        Tensor x = Tensor.randn(new Rng(1), B, T, lm.config.nEmbd());
        assertThrows(IllegalArgumentException.class, () -> lm.blocksAt(x, null, null, new int[]{0, T}));
        assertThrows(IllegalArgumentException.class, () -> lm.blocksAt(x, null, null, new int[]{0}));
    }

    private static Path dir() { return Fixtures.resource(Gpt2BlocksAtTest.class, "gpt2-tiny"); }

    private static void check(int[] ids, int[] padMask, AttentionHook adapter, int[] rows) throws Exception {
        String what = (padMask == null ? "no mask" : "padded") + (adapter == null ? "" : " + adapter") + " rows "
                + java.util.Arrays.toString(rows);
        Gpt2 lm = Gpt2Loader.load(dir());
        int c = lm.config.nEmbd();
        Tensor w = Tensor.randn(new Rng(7), B, c);                // a loss that weighs every output element
        int[] flat = new int[B];
        for (int b = 0; b < B; b++) flat[b] = b * T + rows[b];

        Tensor xFull = lm.embed(ids, B, T, 0).detach().requiresGrad(true);
        Tensor full = F.indexSelect(lm.blocks(xFull, padMask, adapter, null).reshape(B * T, c), 0, flat);
        full.mul(w).sum().backward();
        Map<String, Tensor> fullGrads = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tensor> p : lm.namedParameters().entrySet())
            fullGrads.put(p.getKey(), p.getValue().grad() == null ? null : p.getValue().grad().contiguous());
        lm.zeroGrad();

        Tensor xAt = lm.embed(ids, B, T, 0).detach().requiresGrad(true);
        Tensor at = lm.blocksAt(xAt, padMask, adapter, rows);
        assertArrayEquals(new int[]{B, 1, c}, at.shape(), what);
        Fixtures.assertClose(what + ": hidden", full, at.reshape(B, c), 1e-6);
        at.reshape(B, c).mul(w).sum().backward();
        Fixtures.assertClose(what + ": input gradient", xFull.grad(), xAt.grad(), 1e-5);
        int compared = 0;
        for (Map.Entry<String, Tensor> p : lm.namedParameters().entrySet()) {
            Tensor want = fullGrads.get(p.getKey()), got = p.getValue().grad();
            if (want == null) { assertNull(got, what + ": grad " + p.getKey()); continue; }
            assertNotNull(got, what + ": grad " + p.getKey());
            Fixtures.assertClose(what + ": grad " + p.getKey(), want, got, 1e-5);
            compared++;
        }
        assertEquals(24, compared, what + ": every block weight has a gradient");   // 2 blocks x 12 (ln_f, wte, wpe unused)
    }
}
