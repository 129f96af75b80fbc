package io.medualtime.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.GemmShape;
import io.medualtime.tensor.backend.Matrix;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-only memory-mapped weights: the reads a frozen weight needs are bitwise those of heap storage; writes throw. */
class MappedStorageTest {

    /** A read-only little-endian buffer with the same values, deliberately 2 bytes off 4-byte alignment. */
    static FloatBuffer buffer(float[] x) {
        ByteBuffer b = ByteBuffer.allocateDirect(x.length * 4 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.position(2);
        FloatBuffer f = b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        f.put(x);
        return f.flip().asReadOnlyBuffer();
    }

    static Tensor mapped(Tensor heap) { return Tensor.mapped(new MappedStorage(buffer(heap.toArray())), heap.shape()); }

    @Test void sgemmWithBufferOperandsIsBitwiseTheArrayResult() {
        Random r = new Random(3);
        java.util.List<int[]> shapes = SgemmTest.shapes(r);
        shapes.add(new int[]{257, 129, 300});              // several blocks, several threads
        for (int[] sh : shapes) {
            for (int t = 0; t < 4; t++) {
                SgemmTest.Case cs = new SgemmTest.Case(r, (t & 1) != 0, (t & 2) != 0, sh[0], sh[1], sh[2], 0.75f, t == 2 ? 0f : 1f, t != 0);
                for (SgemmBlocked kernel : SgemmTest.kernels()) {
                    float[] want = cs.run(kernel, Parallel.threads());
                    for (int which = 1; which <= 3; which++) {   // A, B, both from buffers
                        boolean ma = (which & 1) != 0, mb = (which & 2) != 0;
                        float[] c = cs.c0.clone();
                        Sgemm.run(kernel, ArrayMatrix.batched(c, cs.cOff, cs.ldc, 0),
                                new ArrayMatrix(ma ? null : cs.a, ma ? buffer(cs.a) : null, cs.aOff, cs.lda, 0),
                                new ArrayMatrix(mb ? null : cs.b, mb ? buffer(cs.b) : null, cs.bOff, cs.ldb, 0),
                                new GemmShape(cs.ta, cs.tb, cs.m, cs.n, cs.k, 1), Parallel.threads(), cs.alpha, cs.beta);
                        assertArrayEquals(want, c,
                                kernel.getClass().getSimpleName() + " kc=" + kernel.kcMax + " buffers " + which + " " + cs);
                    }
                }
            }
        }
    }

    @Test void batchedAndBoundsChecked() {
        Random r = new Random(5);
        float[] a = SgemmTest.rand(r, 3 * 20 * 9 + 1, 0), b = SgemmTest.rand(r, 9 * 11, 0);
        float[] want = new float[3 * 20 * 11], got = new float[want.length];
        Sgemm.sgemm(ArrayMatrix.batched(want, 0, 11, 220), ArrayMatrix.batched(a, 1, 9, 180), ArrayMatrix.batched(b, 0, 11, 0),
                new GemmShape(false, false, 20, 11, 9, 3), 1f, 0f);
        Sgemm.sgemm(ArrayMatrix.batched(got, 0, 11, 220), ArrayMatrix.mapped(buffer(a), 1, 9, 180), ArrayMatrix.mapped(buffer(b), 0, 11, 0),
                new GemmShape(false, false, 20, 11, 9, 3), 1f, 0f);
        assertArrayEquals(want, got);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(ArrayMatrix.batched(got, 0, 11, 220), ArrayMatrix.mapped(buffer(a), 2, 9, 180),
                        ArrayMatrix.batched(b, 0, 11, 0),
                        new GemmShape(false, false, 20, 11, 9, 3), 1f, 0f));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test void readsMatchHeapStorage() {
        Tensor w = Tensor.randn(new io.medualtime.tensor.Rng(1), 13, 7), m = mapped(w);
        assertArrayEquals(w.toArray(), m.toArray());
        assertArrayEquals(w.transpose(0, 1).contiguous().toArray(), m.transpose(0, 1).contiguous().toArray());
        int[] ids = {3, 0, 12, 3};
        assertArrayEquals(F.embedding(w, ids, 2, 2).toArray(), F.embedding(m, ids, 2, 2).toArray());
        Tensor x = Tensor.randn(new io.medualtime.tensor.Rng(2), 2, 5, 13);
        assertArrayEquals(x.matmul(w).toArray(), x.matmul(m).toArray());
        Tensor y = Tensor.randn(new io.medualtime.tensor.Rng(3), 4, 7);
        assertArrayEquals(y.matmul(w.transpose(0, 1)).toArray(), y.matmul(m.transpose(0, 1)).toArray());   // LM head: h @ wte^T
        assertArrayEquals(w.transpose(0, 1).matmul(x.reshape(10, 13).transpose(0, 1)).toArray(),
                m.transpose(0, 1).matmul(x.reshape(10, 13).transpose(0, 1)).toArray());                 // mapped as A
        // backward to the input through a frozen mapped weight
        Tensor xh = x.detach().requiresGrad(true), xm = x.detach().requiresGrad(true);
        xh.matmul(w).sum().backward();
        xm.matmul(m).sum().backward();
        assertArrayEquals(xh.grad().toArray(), xm.grad().toArray());
    }

    @Test void everythingElseThrowsReadOnly() {
        Tensor m = mapped(Tensor.randn(new io.medualtime.tensor.Rng(1), 4, 6));
        Backend be = m.backend();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.add(1f));   // elementwise read
        assertTrue(e.getMessage().contains("read-only memory-mapped weights") && e.getMessage().contains("heap weights to train"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.sum());                           // reduction
        assertThrows(IllegalStateException.class, () -> be.fill(m.span(), 4, 0f));
        assertThrows(IllegalStateException.class, () -> be.copy(m.view(), Tensor.zeros(4, 6).view(), false));
        assertThrows(IllegalStateException.class, () -> be.gemm(Matrix.of(m.storage(), 0, 6),
                Matrix.of(Tensor.zeros(4, 6).storage(), 0, 6), Matrix.of(Tensor.zeros(6, 6).storage(), 0, 6),
                GemmShape.of(false, false, 4, 6, 6), 1f, 0f));
        assertThrows(IllegalStateException.class, () -> be.adamw(m.storage(), Tensor.zeros(24).storage(), Tensor.zeros(24).storage(),
                Tensor.zeros(24).storage(), 24, new AdamWStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1f, 1f)));
    }

    @Test void safetensorsMappingOutlivesTheFile(@TempDir Path dir) throws Exception {
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f - 7;
        Path f = dir.resolve("w.safetensors");
        new SafetensorsWriter().addFloat("w", v, 10, 100).addInt("i", new int[]{1, 2}, 2).write(f);
        FloatBuffer fb;
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            fb = st.mapF32("w");
            assertNull(st.mapF32("i"), "not F32: callers copy instead");
        }
        assertTrue(fb.isReadOnly());
        Tensor m = Tensor.mapped(new MappedStorage(fb), 10, 100);
        assertArrayEquals(v, m.toArray());
        assertTrue(Files.size(f) > 4000);
    }
}
