package io.medualtime.bench;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.backend.AdamWStep;
import io.medualtime.tensor.backend.Affine;
import io.medualtime.tensor.backend.Backend;
import io.medualtime.tensor.backend.Backends;
import io.medualtime.tensor.backend.NormStats;
import io.medualtime.tensor.backend.Span;
import io.medualtime.tensor.backend.Storage;
import io.medualtime.tensor.backend.Targets;
import io.medualtime.tensor.backend.UnaryOp;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The memory-bound kernels of a training step, called through the public {@link Backend} interface
 * of the CPU backend (all threads): layer norm, softmax and GELU forward and backward, AdamW, and
 * cross-entropy forward and backward. Sizes are beyond L2 (and L3 here): every operand is 8 Mi floats
 * (32 MB), GPT-2 widths (768 features, 50257-word vocabulary). {@link #bytes} gives the bytes each call
 * must move at least (each operand read or written once), which {@link KernelsReport} turns into GB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class BackendKernels {
    /** Layer norm rows of 768 features; GELU and AdamW elements (ROWS * COLS = 8 Mi). */
    static final int ROWS = 10922, COLS = 768, N = 1 << 23;
    /** Softmax: attention rows of 256 keys. */
    static final int SM_ROWS = N / 256, SM_COLS = 256;
    /** Cross-entropy: 160 token rows over GPT-2's vocabulary (8 Mi floats). */
    static final int CE_ROWS = 160, CE_COLS = 50257;

    private final Backend be = Backends.get(Device.CPU);
    private Storage x, y, gy, gx, w, b, gw, gb, mean, rstd, m, v, loss, lse, logits, glogits, gout;
    private int[] targets;

    @Setup
    public void setup() {
        Random r = new Random(1);
        x = rand(r, N); y = rand(r, N); gy = rand(r, N); gx = be.allocate(N);
        w = rand(r, COLS); b = rand(r, COLS); gw = be.allocate(COLS); gb = be.allocate(COLS);
        mean = be.allocate(ROWS); rstd = be.allocate(ROWS);
        m = be.allocate(N); v = be.allocate(N);
        logits = rand(r, CE_ROWS * CE_COLS); glogits = be.allocate(CE_ROWS * CE_COLS);
        loss = be.allocate(CE_ROWS); lse = be.allocate(CE_ROWS); gout = be.fromHost(new float[]{1f});
        targets = new int[CE_ROWS];
        for (int i = 0; i < CE_ROWS; i++) targets[i] = r.nextInt(CE_COLS);
        be.layerNorm(y, new NormStats(mean, rstd), Span.of(x), new Affine(w, b), ROWS, COLS, 1e-5f);     // saved statistics for the backward
    }

    private Storage rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return be.fromHost(a);
    }

    @Benchmark public Storage layerNormForward() {
        be.layerNorm(y, new NormStats(mean, rstd), Span.of(x), new Affine(w, b), ROWS, COLS, 1e-5f);
        return y;
    }

    @Benchmark public Storage layerNormBackward() {
        be.layerNormBackward(gx, new Affine(gw, gb), gy, Span.of(x), new NormStats(mean, rstd), w, ROWS, COLS);
        return gx;
    }

    @Benchmark public Storage softmaxForward() { be.softmax(Span.of(y), Span.of(x), SM_ROWS, SM_COLS, false); return y; }

    @Benchmark public Storage softmaxBackward() { be.softmaxBackward(Span.of(gx), Span.of(y), Span.of(gy), SM_ROWS, SM_COLS, false); return gx; }

    @Benchmark public Storage geluForward() { be.unary(UnaryOp.GELU, Span.of(y), Span.of(x), N, 0f); return y; }

    @Benchmark public Storage geluBackward() { be.unaryBackward(UnaryOp.GELU, Span.of(gx), Span.of(x), Span.of(gy), N, 0f); return gx; }

    /** One AdamW step of 8 Mi parameters (the gradient stays fixed; the moments evolve). */
    @Benchmark public Storage adamw() { be.adamw(y, m, v, gy, N, new AdamWStep(1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f)); return y; }

    @Benchmark public Storage crossEntropyForward() {
        be.crossEntropy(loss, lse, Span.of(logits), new Targets(targets, -100), CE_ROWS, CE_COLS);
        return loss;
    }

    @Benchmark public Storage crossEntropyBackward() {
        be.crossEntropyBackward(glogits, Span.of(logits), lse, new Targets(targets, -100), Span.of(gout), CE_ROWS, CE_COLS, 1f / CE_ROWS);
        return glogits;
    }

    /** The shape a benchmark runs on, for the report. */
    static String size(String method) {
        if (method.startsWith("layerNorm")) return ROWS + "x" + COLS;
        if (method.startsWith("softmax")) return SM_ROWS + "x" + SM_COLS;
        if (method.startsWith("crossEntropy")) return CE_ROWS + "x" + CE_COLS;
        return String.valueOf(N);
    }

    /** The bytes a call must move at least: each full-size operand once (4 bytes a float). */
    static double bytes(String method) {
        int operands = switch (method) {
            case "layerNormForward", "softmaxForward", "geluForward", "crossEntropyBackward" -> 2;   // in, out
            case "layerNormBackward", "softmaxBackward", "geluBackward" -> 3;                       // x or y, gy, gx
            case "adamw" -> 7;                                                                      // p, g, m, v in; p, m, v out
            case "crossEntropyForward" -> 1;
            default -> throw new IllegalArgumentException("unknown benchmark " + method);
        };
        return 4.0 * operands * elements(method);
    }

    private static long elements(String method) {
        if (method.startsWith("layerNorm")) return (long) ROWS * COLS;
        if (method.startsWith("softmax")) return (long) SM_ROWS * SM_COLS;
        if (method.startsWith("crossEntropy")) return (long) CE_ROWS * CE_COLS;
        return N;
    }
}
