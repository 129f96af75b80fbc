package io.medualtime.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward and backward of every op against PyTorch 1.13 (fixtures from tools/reference/ops.py).
 * Tolerance: 1e-5 relative to each tensor's magnitude, for outputs and gradients alike.
 * {@link #cases(Device)} runs the same cases on another device (inputs moved there; see
 * {@code cuda.CudaBackendTest}).
 */
public class OpsFixtureTest {
    static final double RTOL = 1e-5;
    private static SafetensorsFile file; // opened once per JVM, read-only
    private static JsonNode manifest;

    private static synchronized void load() throws Exception {
        if (file != null) return;
        file = SafetensorsFile.open(Fixtures.resource(OpsFixtureTest.class, "ops.safetensors"));
        manifest = new ObjectMapper().readTree(Fixtures.resource(OpsFixtureTest.class, "ops.json").toFile());
    }

    @TestFactory Stream<DynamicTest> everyCase() throws Exception { return cases(Device.CPU); }

    @TestFactory Stream<DynamicTest> everyCaseOnRecycledMemory() throws Exception { return recycledCases(Device.CPU); }

    /**
     * Every case twice, each time inside a {@link TensorScope}, with released memory poisoned (NaN):
     * the second run's outputs, temporaries and gradients come from the first run's recycled
     * buffers, so an op that leaves part of an uninitialised output unwritten, or a storage that
     * backward releases while it is still needed, turns the comparison into NaN.
     */
    public static Stream<DynamicTest> recycledCases(Device device) throws Exception {
        load();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : manifest)
            tests.add(DynamicTest.dynamicTest(c.get("case").asText() + " (recycled)", () -> {
                Poison.on(device);
                try {
                    for (int run = 0; run < 2; run++)
                        try (TensorScope scope = TensorScope.open()) {
                            check(c, device);
                        }
                } finally {
                    Poison.off(device);
                }
            }));
        return tests.stream();
    }

    /** One dynamic test per fixture case, with the inputs (and leaves) on {@code device}. */
    public static Stream<DynamicTest> cases(Device device) throws Exception {
        load();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : manifest) tests.add(DynamicTest.dynamicTest(c.get("case").asText(), () -> check(c, device)));
        assertTrue(tests.size() > 150, "manifest lost its cases");
        return tests.stream();
    }

    private static void check(JsonNode c, Device device) throws Exception {
        String name = c.get("case").asText(), op = c.get("op").asText();
        JsonNode args = c.get("args");
        int nIn = c.get("inputs").size();
        Tensor[] in = new Tensor[nIn];
        int[][] ints = new int[nIn][];
        for (int i = 0; i < nIn; i++) {
            String key = name + "/in" + i;
            if (c.get("dtypes").get(i).asText().equals("I64")) { ints[i] = Fixtures.ints(file, key); continue; }
            Tensor t = Fixtures.tensor(file, key).to(device);
            JsonNode tr = args.get("transpose_in" + i);
            if (tr != null) t = t.transpose(tr.get(0).asInt(), tr.get(1).asInt());
            // requires_grad is set on the stored leaf; the transposed view is what the op sees
            in[i] = t;
        }
        Tensor[] leaves = new Tensor[nIn];
        for (int i = 0; i < nIn; i++) {
            if (in[i] == null) continue;
            if (c.get("grad").get(i).asBoolean()) {
                JsonNode tr = args.get("transpose_in" + i);
                Tensor base = Fixtures.tensor(file, name + "/in" + i).to(device).requiresGrad(true);
                leaves[i] = base;
                in[i] = tr == null ? base : base.transpose(tr.get(0).asInt(), tr.get(1).asInt());
            }
        }
        Tensor[] outs = OpRegistry.run(op, args, in, ints, c.get("inputs"));
        int nOut = c.get("outputs").size();
        Tensor loss = null;
        for (int o = 0; o < nOut; o++) {
            String suffix = nOut == 1 ? "" : String.valueOf(o);
            Tensor expected = Fixtures.tensor(file, name + "/out" + suffix);
            Fixtures.assertClose(name + " out" + suffix, expected, outs[o], RTOL);
            Tensor gout = Fixtures.tensor(file, name + "/gout" + suffix).to(device);
            Tensor term = outs[o].mul(gout).sum();
            loss = loss == null ? term : loss.add(term);
        }
        for (JsonNode extra : c.get("extra")) {
            int idx = extra.asText().equals("running_mean_out") ? 3 : 4;
            Fixtures.assertClose(name + " " + extra.asText(), Fixtures.tensor(file, name + "/" + extra.asText()), in[idx], RTOL);
        }
        if (loss.requiresGrad()) loss.backward();
        for (int i = 0; i < nIn; i++) {
            if (leaves[i] == null) continue;
            Tensor expected = Fixtures.tensor(file, name + "/grad" + i);
            Tensor g = leaves[i].grad();
            if (g == null) throw new AssertionError(name + ": no gradient reached input " + i);
            JsonNode tr = args.get("transpose_in" + i);
            if (tr != null) g = g.transpose(tr.get(0).asInt(), tr.get(1).asInt());
            Fixtures.assertClose(name + " grad" + i, expected, g, RTOL);
        }
    }
}
