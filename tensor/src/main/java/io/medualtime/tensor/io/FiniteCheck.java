package io.medualtime.tensor.io;

import io.medualtime.tensor.Tensor;

/**
 * NaN / Inf checks of loaded weights.
 *
 * <p>MINIMAL PLACEHOLDER written on branch rel-pins so that MedualTime's checkpoint loader can call it; the real
 * (vectorised) class comes from branch rel-loaders with the same signature and replaces this file at merge.
 */
public final class FiniteCheck {
    private FiniteCheck() {}

    /**
     * Fails when {@code t} holds a NaN or an infinity.
     *
     * @param what names the tensor in the message (e.g. {@code "model.safetensors: tensor 'head.weight'"})
     * @throws IllegalArgumentException naming {@code what}, the first bad element's index and value
     */
    public static void requireFinite(String what, Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++)
            if (!Float.isFinite(v[i])) throw new IllegalArgumentException(what + " holds " + v[i] + " at element " + i + " (weights must be finite)");
    }
}
