package io.medualtime.nn.optim;

import io.medualtime.nn.Dropout;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerStateTest {
    static final class Net extends Module {
        final Linear a, b;
        final Dropout drop;

        Net(Rng rng) {
            a = child("a", new Linear(6, 5, true, rng));
            drop = child("drop", new Dropout(0.3f, rng));
            b = child("b", new Linear(5, 3, true, rng));
        }

        Tensor loss(Tensor x) { return b.forward(drop.forward(a.forward(x).relu())).mul(b.forward(a.forward(x))).sum(); }
    }

    /** Trains {@code from} to {@code to} steps (x drawn from rng each step); StepLR(2, 0.5) per step. */
    static void train(Net net, AdamW opt, LrScheduler sched, Rng data, int from, int to) {
        for (int s = from; s < to; s++) {
            float[] x = new float[4 * 6];
            for (int i = 0; i < x.length; i++) x[i] = (float) data.normal();
            opt.zeroGrad();
            net.loss(Tensor.of(x, 4, 6)).backward();
            opt.step();
            sched.step();
        }
    }

    static float[] flat(Module m) {
        return m.stateDict().values().stream().map(Tensor::toArray).reduce(new float[0], (p, q) -> {
            float[] r = java.util.Arrays.copyOf(p, p.length + q.length);
            System.arraycopy(q, 0, r, p.length, q.length);
            return r;
        });
    }

    /** 7 steps straight equal 3 steps, a checkpoint (weights, moments, schedule, every generator), a new process's 4. */
    @Test void aRestoredAdamWContinuesBitForBit() {
        Net straight = new Net(new Rng(1));
        AdamW o1 = new AdamW(straight.trainableParameters(), 0.05f, 0.9f, 0.999f, 1e-8f, 0.1f);
        LrScheduler s1 = LrScheduler.step(o1, 2, 0.5);
        Rng d1 = new Rng(9);
        train(straight, o1, s1, d1, 0, 7);

        Net first = new Net(new Rng(1));
        AdamW o2 = new AdamW(first.trainableParameters(), 0.05f, 0.9f, 0.999f, 1e-8f, 0.1f);
        LrScheduler s2 = LrScheduler.step(o2, 2, 0.5);
        Rng d2 = new Rng(9);
        train(first, o2, s2, d2, 0, 3);
        AdamW.State saved = o2.state();
        Map<String, Rng.State> rngs = new java.util.LinkedHashMap<>();
        first.namedRngs().forEach((k, v) -> rngs.put(k, v.state()));
        assertEquals(List.of("drop.rng"), List.copyOf(rngs.keySet()));

        Net resumed = new Net(new Rng(123));          // other initial weights and dropout stream: all replaced below
        resumed.loadStateDict(first.stateDict(), true);
        resumed.namedRngs().forEach((k, v) -> v.restore(rngs.get(k)));
        AdamW o3 = new AdamW(resumed.trainableParameters(), 0.05f, 0.9f, 0.999f, 1e-8f, 0.1f);
        LrScheduler s3 = LrScheduler.step(o3, 2, 0.5);
        o3.restore(saved);
        s3.restore(s2.steps());
        assertEquals(3, o3.steps());
        assertEquals(o2.lr(), o3.lr());
        train(resumed, o3, s3, d2, 3, 7);

        assertArrayEquals(flat(straight), flat(resumed));
        assertEquals(o1.lr(), o3.lr());
        assertEquals(o1.steps(), o3.steps());
    }

    @Test void aStateOfOtherParametersIsRefusedAndBadHyperParametersToo() {
        Net net = new Net(new Rng(1));
        AdamW o = new AdamW(net.trainableParameters(), 0.01f);
        AdamW other = new AdamW(new Net(new Rng(2)).a.trainableParameters(), 0.01f);
        assertThrows(IllegalArgumentException.class, () -> o.restore(other.state()));
        List<Tensor> p = net.trainableParameters();
        assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 1e-3f, 0.9f, 0.999f, 1e-8f, -5f));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(p, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(p, -1e-3f));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 1e-3f, 1f, 0.999f, 1e-8f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 1e-3f, 0.9f, 0.999f, Float.NaN, 0f));
    }
}
