package io.medualtime.model;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.io.DType;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** Save -> load gives identical outputs; the file has exactly the official names and dtypes. */
class MedualTimeCheckpointTest {
    static TinyFixture fx;

    @BeforeAll static void open() throws Exception { fx = new TinyFixture(); }
    @AfterAll static void close() throws Exception { fx.close(); }

    @Test void saveLoadRoundTripGivesIdenticalOutputs(@TempDir Path tmp) throws Exception {
        MedualTime trained = fx.model();
        Tensor cText = fx.textVectors(trained);
        AdamW opt = new AdamW(trained.trainableParameters(), 1e-3f);
        F.crossEntropy(trained.forward(fx.signals, fx.reports, cText).logits(), fx.labels).backward();
        opt.step();                                    // parameters and BN statistics now differ from the fixture
        Path file = tmp.resolve("medualtime.safetensors");
        MedualTimeCheckpoint.save(trained, file);

        MedualTime loaded = fx.model();
        MedualTimeCheckpoint.load(loaded, file);
        for (Map.Entry<String, Tensor> e : trained.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), loaded.stateDict().get(e.getKey()).toArray(), e.getKey());
        trained.eval();
        loaded.eval();
        try (GradMode g = GradMode.noGrad()) {
            // the state is bit-identical (above); the outputs are compared to 1e-6 because the CPU
            // kernels are not bitwise reproducible across JIT tiers (the same call on the same model
            // can differ in the last bit once the Vector API code is compiled differently)
            Fixtures.assertClose("logits after load", trained.forward(fx.signals, fx.reports, cText).logits(),
                    loaded.forward(fx.signals, fx.reports, cText).logits(), 1e-6);
        }
        try (var ls = Files.list(tmp)) {
            assertEquals(1, ls.count(), "the atomic writer must leave no temporary file");
        }
    }

    @Test void fileHoldsTheOfficialNamesAndDtypes(@TempDir Path tmp) throws Exception {
        MedualTime m = fx.model();
        Path file = tmp.resolve("ckpt.safetensors");
        MedualTimeCheckpoint.save(m, file);
        try (SafetensorsFile ours = SafetensorsFile.open(file);
                SafetensorsFile ref = SafetensorsFile.open(fx.dir.resolve("trainable.safetensors"))) {
            assertEquals(new TreeSet<>(ref.names()), new TreeSet<>(ours.names()));
            for (String name : ref.names()) {
                assertEquals(ref.info(name).dtype(), ours.info(name).dtype(), name);
                assertArrayEquals(ref.info(name).intShape(), ours.info(name).intShape(), name);
            }
            assertEquals(DType.I64, ours.info("adapter_temenc.resblock3.shortcut.num_batches_tracked").dtype());
        }
    }

    @Test void missingOrMisshapenTensorsAreErrorsNamingThem(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("partial.safetensors");
        new io.medualtime.tensor.io.SafetensorsWriter().addFloat("head.weight", new float[5 * 64], 5, 64).write(file);
        Exception e = assertThrows(java.io.IOException.class, () -> MedualTimeCheckpoint.load(fx.model(), file));
        assertTrue(e.getMessage().contains("missing tensor"), e.getMessage());
        new io.medualtime.tensor.io.SafetensorsWriter().addFloat("x", new float[1], 1).write(file);
        MedualTime m = fx.model();
        Map<String, Tensor> sd = m.stateDict();
        io.medualtime.tensor.io.SafetensorsWriter w = new io.medualtime.tensor.io.SafetensorsWriter();
        for (Map.Entry<String, Tensor> en : sd.entrySet()) {
            boolean head = en.getKey().equals("head.weight");
            w.addFloat(en.getKey(), head ? new float[4 * 64] : en.getValue().toArray(),
                    head ? new long[]{4, 64} : longs(en.getValue().shape()));
        }
        w.write(file);
        e = assertThrows(java.io.IOException.class, () -> MedualTimeCheckpoint.load(fx.model(), file));
        assertTrue(e.getMessage().contains("head.weight"), e.getMessage());
    }

    @Test void aNanOrInfWeightIsAnErrorNamingTheFileAndTheTensor(@TempDir Path tmp) throws Exception {
        for (float bad : new float[]{Float.NaN, Float.NEGATIVE_INFINITY}) {
            MedualTime m = fx.model();
            Tensor head = m.stateDict().get("head.weight");
            float[] v = head.toArray();
            v[7] = bad;
            head.setData(Tensor.of(v, head.shape()));
            Path file = tmp.resolve("bad.safetensors");
            MedualTimeCheckpoint.save(m, file);
            Exception e = assertThrows(java.io.IOException.class, () -> MedualTimeCheckpoint.load(fx.model(), file));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'head.weight'")
                    && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    /**
     * A 6 GB tensor the model does not have is refused from the header, before any tensor is read (reading it first
     * ran out of memory). The file is sparse: it takes no disk space.
     */
    @Test void aStrayHugeTensorIsRefusedBeforeAnythingIsRead(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.safetensors"), bad = tmp.resolve("stray.safetensors");
        MedualTimeCheckpoint.save(fx.model(), good);
        byte[] all = Files.readAllBytes(good);
        long n = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long dataLen = all.length - 8 - n, elements = 1_500_000_000L;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var header = (com.fasterxml.jackson.databind.node.ObjectNode) json
                .readTree(new String(all, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
        var stray = header.putObject("stray");
        stray.put("dtype", "F32");
        stray.putArray("shape").add(elements);
        stray.putArray("data_offsets").add(dataLen).add(dataLen + 4 * elements);
        StringBuilder h = new StringBuilder(header.toString());
        while (h.length() % 8 != 0) h.append(' ');
        byte[] hb = h.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(bad.toFile(), "rw")) {
            f.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
            f.write(hb);
            f.write(all, (int) (8 + n), (int) dataLen);
            f.setLength(8 + hb.length + dataLen + 4 * elements);
        }
        Exception e = assertThrows(java.io.IOException.class, () -> MedualTimeCheckpoint.load(fx.model(), bad));
        assertTrue(e.getMessage().contains("unexpected tensor 'stray'"), e.getMessage());
    }

    static long[] longs(int[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i];
        return out;
    }
}
