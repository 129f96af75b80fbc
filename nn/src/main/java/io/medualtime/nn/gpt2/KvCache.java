package io.medualtime.nn.gpt2;

import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.TensorScope;
import io.medualtime.tensor.autograd.GradMode;

/**
 * Keys and values of the positions seen so far, per layer, for incremental decoding. Each layer's
 * keys live in a buffer [B, heads, capacity, hd] that doubles when full: a new position is written
 * in place and attention reads a view of the filled part, so a token costs its own keys and values,
 * not a copy of the whole cache (which made decoding quadratic in the length).
 */
public final class KvCache {
    private final Tensor[] keys, values;
    private int length;

    public KvCache(int layers) {
        keys = new Tensor[layers];
        values = new Tensor[layers];
    }

    /** Positions cached so far. */
    public int length() { return length; }

    /** Appends this step's k and v [B, heads, T, hd] for a layer and returns views of all positions so far. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        if (GradMode.isEnabled() && (k.requiresGrad() || v.requiresGrad()))
            throw new IllegalStateException("the KV cache is for decoding: run it under GradMode.noGrad()");
        int t = k.size(2), need = length + t;
        keys[layer] = place(keys[layer], k, need);
        values[layer] = place(values[layer], v, need);
        return new Tensor[]{keys[layer].narrow(2, 0, need), values[layer].narrow(2, 0, need)};
    }

    /** Writes x at positions [length, length + T) of buf, first growing buf (doubling) when it is too short. */
    private Tensor place(Tensor buf, Tensor x, int need) {
        if (buf == null || buf.size(2) < need) {
            int[] shape = x.shape();
            shape[2] = Math.max(need, buf == null ? 16 : 2 * buf.size(2));
            Tensor grown = TensorScope.persist(Tensor.empty(x.device(), shape));   // outlives any step's scope
            if (buf != null && length > 0)
                grown.backend().copy(grown.narrow(2, 0, length).view(), buf.narrow(2, 0, length).view(), false);
            buf = grown;
        }
        x.backend().copy(buf.narrow(2, length, x.size(2)).view(), x.view(), false);
        return buf;
    }

    /** Called once per forward step, after every layer appended. */
    void advance(int steps) { length += steps; }
}
