package io.medualtime.nn.gpt2;

import io.medualtime.tensor.F;
import io.medualtime.tensor.Tensor;

/** Keys and values of the positions seen so far, per layer, for incremental decoding. */
public final class KvCache {
    private final Tensor[] keys, values;
    private int length;

    public KvCache(int layers) {
        keys = new Tensor[layers];
        values = new Tensor[layers];
    }

    /** Positions cached so far. */
    public int length() { return length; }

    /** Appends this step's k and v [B, heads, T, hd] for a layer and returns the full ones. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        if (keys[layer] != null) {
            k = F.cat(2, keys[layer], k);
            v = F.cat(2, values[layer], v);
        }
        keys[layer] = k;
        values[layer] = v;
        return new Tensor[]{k, v};
    }

    /** Called once per forward step, after every layer appended. */
    void advance(int steps) { length += steps; }
}
