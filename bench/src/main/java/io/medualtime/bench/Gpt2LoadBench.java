package io.medualtime.bench;

import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.SafetensorsWriter;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * Time to load a Hugging Face GPT-2 124M folder with {@link Gpt2Loader#load}, and the heap it
 * takes. The checkpoint is SYNTHETIC: random F32 values under GPT-2 124M's real HF keys
 * ({@code transformer.wte.weight}, ...) and shapes (~498 MB), written once with
 * {@link SafetensorsWriter} into a temp folder (or the folder given as the first argument, kept).
 *
 * <p>With {@code --map}, {@link Gpt2Loader#load(Path, boolean)} leaves the large F32 weights in the
 * memory-mapped file (read-only, frozen model), so the heap holds only the small tensors.
 *
 * <p>Run: {@code bench/gpt2-load.sh [--map]} or {@code java --add-modules jdk.incubator.vector -Xmx4g -cp
 * bench/target/benchmarks.jar io.medualtime.bench.Gpt2LoadBench [DIR] [--runs 5]}.
 */
public final class Gpt2LoadBench {
    public static void main(String[] args) throws Exception {
        Path dir = null;
        int runs = 5;
        boolean map = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) runs = Integer.parseInt(args[++i]);
            else if (args[i].equals("--map")) map = true;
            else dir = Path.of(args[i]);
        }
        boolean temp = dir == null;
        if (temp) dir = Files.createTempDirectory("gpt2-124m-synthetic");
        Gpt2Config cfg = Gpt2Config.gpt2();
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) {
            long t0 = System.nanoTime();
            Files.createDirectories(dir);
            cfg.save(dir);
            Gpt2 shapes = new Gpt2(Gpt2Config.of(cfg.vocabSize(), cfg.nPositions(), cfg.nEmbd(), cfg.nLayer(), cfg.nHead()), new Rng(1));
            SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
            for (Map.Entry<String, Tensor> e : shapes.stateDict().entrySet()) {
                int[] s = e.getValue().shape();
                w.addFloat("transformer." + e.getKey(), e.getValue().toArray(), Arrays.stream(s).asLongStream().toArray());
            }
            w.write(file);
            System.out.printf("wrote a SYNTHETIC GPT-2 124M-shaped checkpoint (random values, HF keys) to %s in %.1f s%n",
                    dir, (System.nanoTime() - t0) / 1e9);
        }
        long fileBytes = Files.size(file);
        System.gc();
        long heapBefore = heapUsed();
        double[] ms = new double[runs];
        Gpt2 lm = null;
        for (int r = 0; r < runs; r++) {
            lm = null;
            System.gc();
            long t0 = System.nanoTime();
            lm = Gpt2Loader.load(dir, map);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            System.out.printf("load %d: %.0f ms%n", r, ms[r]);
        }
        System.gc();
        long heapAfter = heapUsed();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT %sload_ms_median %.0f (min %.0f, max %.0f, %d runs; the first includes JIT warm-up and a cold page cache "
                + "only if the file was not just written)%n", map ? "mapped " : "", sorted[runs / 2], sorted[0], sorted[runs - 1], runs);
        System.out.printf("%sfile %.1f MB, %d params; heap used with the model live %.1f MB (before load %.1f MB): "
                + "%.2f x the file size%n", map ? "weights memory-mapped (read-only, frozen): " : "", fileBytes / 1e6,
                lm.parameterCount(false),
                heapAfter / 1e6, heapBefore / 1e6, (heapAfter - heapBefore) / (double) fileBytes);
        if (temp) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static long heapUsed() { return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(); }
}
