package io.medualtime.nn.config;

import java.util.Map;

/**
 * Entries of a config's state-dict shape table ({@code Gpt2Config.stateDictShapes()},
 * {@code BertConfig.stateDictShapes()}): the tensors a weights file holds for the common layers, by name.
 */
public final class StateDictShapes {
    private StateDictShapes() {}

    /** A LayerNorm: {@code name.weight} and {@code name.bias}, both [width]. */
    public static void layerNorm(Map<String, int[]> shapes, String name, int width) {
        shapes.put(name + ".weight", new int[]{width});
        shapes.put(name + ".bias", new int[]{width});
    }

    /** A linear layer in PyTorch's {@code nn.Linear} layout: weight [out, in], bias [out]. */
    public static void linear(Map<String, int[]> shapes, String name, int in, int out) {
        shapes.put(name + ".weight", new int[]{out, in});
        shapes.put(name + ".bias", new int[]{out});
    }

    /** A linear layer in GPT-2's {@code Conv1D} layout: weight [in, out], bias [out]. */
    public static void conv1D(Map<String, int[]> shapes, String name, int in, int out) {
        shapes.put(name + ".weight", new int[]{in, out});
        shapes.put(name + ".bias", new int[]{out});
    }
}
