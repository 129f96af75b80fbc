package io.medualtime.nn;

import io.medualtime.tensor.Device;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;
import io.medualtime.tensor.cpu.MappedStorage;
import io.medualtime.tensor.ops.Norms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of every layer: holds named parameters, buffers (non-trained state such as BatchNorm's
 * running statistics) and child modules, so that names compose hierarchically exactly like
 * Hugging Face / PyTorch keys ({@code h.0.attn.c_attn.weight}).
 *
 * <pre>{@code
 * class Mlp extends Module {
 *     final Linear fc = child("fc", new Linear(4, 8, rng));
 *     Tensor forward(Tensor x) { return fc.forward(x).gelu(); }
 * }
 * }</pre>
 *
 * Freezing ({@link #freeze()}) clears requiresGrad on the parameters: autograd then computes no
 * weight gradient for them, while gradients still flow through them to earlier layers.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Rng> rngs = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter (a leaf that requires a gradient). */
    protected Tensor param(String name, Tensor init) {
        Tensor p = TensorScope.persist(init.detach()).requiresGrad(true);
        params.put(name, p);
        return p;
    }

    /** Registers non-trainable state that is saved and moved with the module. */
    protected Tensor buffer(String name, Tensor init) {
        buffers.put(name, TensorScope.persist(init));
        return init;
    }

    /** Registers a random generator the module draws from while training (e.g. dropout's), so that checkpoints save it. */
    protected Rng rng(String name, Rng rng) {
        rngs.put(name, rng);
        return rng;
    }

    protected <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    public boolean isTraining() { return training; }

    /** Sets train (true) or eval (false) mode recursively; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public Module eval() { return train(false); }

    /** All parameters with their hierarchical names, in registration order. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** Parameters and buffers: what a checkpoint holds. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    /** Every registered random generator with its hierarchical name: the training randomness a checkpoint restores. */
    public Map<String, Rng> namedRngs() {
        Map<String, Rng> out = new LinkedHashMap<>();
        collectRngs("", out);
        return out;
    }

    private void collectRngs(String prefix, Map<String, Rng> out) {
        rngs.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collectRngs(prefix + k + ".", out));
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withParams, boolean withBuffers) {
        if (withParams) params.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collect(prefix + k + ".", out, withParams, withBuffers));
    }

    /** Parameters that currently require a gradient (what an optimiser should update). */
    public List<Tensor> trainableParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : namedParameters().values()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    public long parameterCount(boolean trainableOnly) {
        long n = 0;
        for (Tensor p : namedParameters().values()) if (!trainableOnly || p.requiresGrad()) n += p.numel();
        return n;
    }

    /** Stops gradients for every parameter of this module (and its children); returns this. */
    public Module freeze() {
        for (Tensor p : namedParameters().values()) p.requiresGrad(false);
        return this;
    }

    public void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Moves every parameter and buffer to a device (in place: layers keep their references). */
    public Module to(Device device) {
        for (Tensor t : stateDict().values()) if (t.device() != device) t.setData(t.to(device));
        return this;
    }

    /**
     * Copies values into the parameters and buffers by name. With {@code strict}, a missing or
     * unexpected key is an error naming it; a shape mismatch always is.
     */
    public void loadStateDict(Map<String, Tensor> values, boolean strict) {
        Map<String, Tensor> own = stateDict();
        if (strict) {
            for (String k : own.keySet()) if (!values.containsKey(k)) throw new IllegalArgumentException("missing key in state dict: " + k);
            for (String k : values.keySet())
                if (!own.containsKey(k)) throw new IllegalArgumentException("unexpected key in state dict: " + k);
        }
        try (GradMode g = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : values.entrySet()) {
                Tensor target = own.get(e.getKey());
                if (target == null) continue;
                Tensor v = e.getValue();
                if (!java.util.Arrays.equals(v.shape(), target.shape()))
                    throw new IllegalArgumentException(
                            "state dict entry " + e.getKey() + " has shape " + java.util.Arrays.toString(v.shape())
                                    + ", the module expects " + java.util.Arrays.toString(target.shape()));
                if (target.storage() instanceof MappedStorage)   // read-only mapped weight: replaced by a heap copy
                    target.setData(Tensor.of(v.toArray(), v.shape()));
                else
                    Norms.updateInPlace(target, v.to(target.device()));
            }
        }
    }
}
