package io.medualtime.bench;

import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.cpu.kernels.AdamW;
import io.medualtime.tensor.cpu.kernels.ArrayAffine;
import io.medualtime.tensor.cpu.kernels.CrossEntropy;
import io.medualtime.tensor.cpu.kernels.Gelu;
import io.medualtime.tensor.cpu.kernels.LayerNorm;
import io.medualtime.tensor.cpu.kernels.ArrayNormStats;
import io.medualtime.tensor.cpu.kernels.Softmax;
import io.medualtime.tensor.cpu.kernels.ArraySpan;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The memory-bound CPU kernels of a training step ({@code io.medualtime.tensor.cpu.kernels}, called
 * directly, on all threads): layer norm, softmax and GELU forward and backward, AdamW, and
 * cross-entropy forward and backward. Sizes are beyond L2 (and L3 here): every operand is 8 Mi floats
 * (32 MB), GPT-2 widths (768 features, 50257-word vocabulary). {@link #bytes} gives the bytes each call
 * must move at least (each operand read or written once), which {@link KernelsReport} turns into GB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class CpuKernels {
    /** Layer norm rows of 768 features; GELU and AdamW elements (ROWS * COLS = 8 Mi). */
    static final int ROWS = 10922, COLS = 768, N = 1 << 23;
    /** Softmax: attention rows of 256 keys. */
    static final int SM_ROWS = N / 256, SM_COLS = 256;
    /** Cross-entropy: 160 token rows over GPT-2's vocabulary (8 Mi floats). */
    static final int CE_ROWS = 160, CE_COLS = 50257;

    private float[] x, y, gy, gx, w, b, gw, gb, m, v, loss, lse, logits, glogits;
    private ArrayNormStats stats;
    private int[] targets;

    @Setup public void setup() {
        Random r = new Random(1);
        x = rand(r, N);
        y = rand(r, N);
        gy = rand(r, N);
        gx = new float[N];
        w = rand(r, COLS);
        b = rand(r, COLS);
        gw = new float[COLS];
        gb = new float[COLS];
        stats = new ArrayNormStats(new float[ROWS], new float[ROWS]);
        m = new float[N];
        v = new float[N];
        logits = rand(r, CE_ROWS * CE_COLS);
        glogits = new float[CE_ROWS * CE_COLS];
        loss = new float[CE_ROWS];
        lse = new float[CE_ROWS];
        targets = new int[CE_ROWS];
        for (int i = 0; i < CE_ROWS; i++) targets[i] = r.nextInt(CE_COLS);
        layerNormForward();     // saved statistics for the backward
    }

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    @Benchmark public float[] layerNormForward() {
        LayerNorm.forward(y, stats, ArraySpan.of(x), new ArrayAffine(w, b), ROWS, COLS, 1e-5f);
        return y;
    }

    @Benchmark public float[] layerNormBackward() {
        LayerNorm.backward(gx, new ArrayAffine(gw, gb), gy, ArraySpan.of(x), stats, w, ROWS, COLS);
        return gx;
    }

    @Benchmark public float[] softmaxForward() { Softmax.forward(ArraySpan.of(y), ArraySpan.of(x), SM_ROWS, SM_COLS, false); return y; }

    @Benchmark public float[] softmaxBackward() {
        Softmax.backward(ArraySpan.of(gx), ArraySpan.of(y), ArraySpan.of(gy), SM_ROWS, SM_COLS, false);
        return gx;
    }

    @Benchmark public float[] geluForward() { Gelu.forward(ArraySpan.of(y), ArraySpan.of(x), N); return y; }

    @Benchmark public float[] geluBackward() { Gelu.backward(ArraySpan.of(gx), ArraySpan.of(x), ArraySpan.of(gy), N); return gx; }

    /** One AdamW step of 8 Mi parameters (the gradient stays fixed; the moments evolve). */
    @Benchmark public float[] adamw() {
        AdamW.step(y, m, v, gy, N, HYPER);
        return y;
    }

    private static final AdamWStep HYPER = new AdamWStep(1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f);

    @Benchmark public float[] crossEntropyForward() {
        CrossEntropy.forward(loss, lse, ArraySpan.of(logits), targets, -100, CE_ROWS, CE_COLS);
        return loss;
    }

    @Benchmark public float[] crossEntropyBackward() {
        CrossEntropy.backward(glogits, ArraySpan.of(logits), lse, targets, -100, CE_ROWS, CE_COLS, 1f / CE_ROWS);
        return glogits;
    }

    /** The shape a benchmark runs on, for the report. */
    static String size(String method) {
        if (method.startsWith("layerNorm")) return ROWS + "x" + COLS;
        if (method.startsWith("softmax")) return SM_ROWS + "x" + SM_COLS;
        if (method.startsWith("crossEntropy")) return CE_ROWS + "x" + CE_COLS;
        return String.valueOf(N);
    }

    /**
     * What a kernel moves: its full-size operands, each read or written once, and the {@link Roofline} benchmark
     * with its memory access pattern (a map into a fresh array: scale; two inputs into a fresh array: triad;
     * in-place updates: update; a read-only pass: sum).
     */
    private record Traffic(int operands, String pattern) {}

    private static Traffic traffic(String method) {
        return switch (method) {
            case "layerNormForward", "softmaxForward", "geluForward", "crossEntropyBackward" -> new Traffic(2, "streamScale"); // in, out
            case "layerNormBackward", "softmaxBackward", "geluBackward" -> new Traffic(3, "streamTriad");  // x or y, gy, gx
            case "adamw" -> new Traffic(7, "streamUpdate");                           // p, g, m, v in; p, m, v out
            case "crossEntropyForward" -> new Traffic(1, "streamSum");
            default -> throw new IllegalArgumentException("unknown benchmark " + method);
        };
    }

    /** The bytes a call must move at least: each full-size operand once (4 bytes a float). */
    static double bytes(String method) {
        return 4.0 * traffic(method).operands() * elements(method);
    }

    /** The {@link Roofline} benchmark with this kernel's memory access pattern (see {@link Traffic}). */
    static String pattern(String method) {
        return traffic(method).pattern();
    }

    static long elements(String method) {
        if (method.startsWith("layerNorm")) return (long) ROWS * COLS;
        if (method.startsWith("softmax")) return (long) SM_ROWS * SM_COLS;
        if (method.startsWith("crossEntropy")) return (long) CE_ROWS * CE_COLS;
        return N;
    }
}
