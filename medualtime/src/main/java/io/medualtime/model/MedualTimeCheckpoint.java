package io.medualtime.model;

import io.medualtime.nn.Module;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.io.FiniteCheck;
import io.medualtime.tensor.io.SafetensorsFile;
import io.medualtime.tensor.io.SafetensorsWriter;
import io.medualtime.tensor.io.TensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MedualTime checkpoints: the trainable parameters and the TemEnc BatchNorm buffers with the
 * official names (adapter_query_ts.weight, h.{i}.attn.gate, adapter_temenc....running_mean, ...,
 * head.weight), as one safetensors file: F32 tensors, {@code num_batches_tracked} as an I64
 * scalar like PyTorch. The frozen LM is not included (load it from its own folder).
 * {@code tools/convert_pth.py} writes the same file from an official PyTorch state dict.
 */
public final class MedualTimeCheckpoint {
    private MedualTimeCheckpoint() {}

    private static final String COUNTER = "num_batches_tracked";

    /** Writes the model's state dict atomically (a crash leaves the old file or the new one). */
    public static void save(Module model, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt").putMetadata("model", "medualtime");
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            if (e.getKey().endsWith(COUNTER)) w.addLong(e.getKey(), new long[]{(long) t.item()});
            else w.addFloat(e.getKey(), t.toArray(), longs(t.shape()));
        }
        w.write(file);
    }

    /**
     * Loads every parameter and buffer of the model from the file. The names and shapes in the file's header are
     * compared with the model's BEFORE any tensor is read (a missing, unexpected or misshapen tensor is an error
     * naming it, and a huge stray tensor is never read); each tensor read is then checked for NaN / Inf.
     */
    public static void load(Module model, Path file) throws IOException {
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> values = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            checkHeader(f, own, file);
            for (String name : own.keySet()) {
                TensorInfo info = f.info(name);
                int[] shape = info.intShape();
                float[] data;
                if (info.dtype().isFloatingPoint()) data = f.readFloat(name);
                else {
                    int[] ints = f.readInt(name);
                    data = new float[ints.length];
                    for (int i = 0; i < ints.length; i++) data[i] = ints[i];
                }
                Tensor t = Tensor.of(data, shape.length == 0 ? new int[]{1} : shape).reshape(shape);
                try {
                    FiniteCheck.requireFinite(file + ": tensor '" + name + "'", t);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
                values.put(name, t);
            }
        }
        try {
            model.loadStateDict(values, true);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file holds exactly the model's tensors, each with the model's shape (a scalar counter may be [] or [1]). */
    private static void checkHeader(SafetensorsFile f, Map<String, Tensor> own, Path file) throws IOException {
        for (String name : own.keySet())
            if (!f.contains(name)) throw new IOException(file + ": missing tensor '" + name + "' (not a checkpoint of this model)");
        for (String name : f.names()) {
            Tensor expected = own.get(name);
            if (expected == null) throw new IOException(file + ": unexpected tensor '" + name + "' (not a checkpoint of this model)");
            TensorInfo info = f.info(name);
            long[] shape = info.shape();
            boolean scalarCounter = name.endsWith(COUNTER) && info.numel() == 1 && expected.numel() == 1;
            if (!scalarCounter && !java.util.Arrays.equals(shape, longs(expected.shape())))
                throw new IOException(file + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(shape)
                        + ", the model expects " + java.util.Arrays.toString(expected.shape()));
            if (!name.endsWith(COUNTER) && !info.dtype().isFloatingPoint())
                throw new IOException(file + ": tensor '" + name + "' has dtype " + info.dtype() + ", expected a floating-point type");
        }
    }

    private static long[] longs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
