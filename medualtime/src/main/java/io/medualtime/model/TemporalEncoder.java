package io.medualtime.model;

import io.medualtime.nn.BatchNorm1d;
import io.medualtime.nn.Conv1d;
import io.medualtime.nn.Linear;
import io.medualtime.nn.Module;
import io.medualtime.tensor.Rng;
import io.medualtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * TemEnc, the ECG encoder of the textual-primary pass: a 1-D ResNet (tsai's "ResNet" layout, whose
 * parameter names the official checkpoint uses) of three residual blocks, leads -> 64 -> 128 -> 128
 * channels, then the mean over time and Linear(128 -> d).
 *
 * <p>Names: {@code resblock{1,2,3}.convblock{1,2,3}.{0 = conv, 1 = batch norm}}, the shortcut as
 * {@code shortcut.{0,1}} (1x1 conv + BN) when the channel count changes, else {@code shortcut} (BN
 * alone), and {@code fc}.
 */
public final class TemporalEncoder extends Module {
    static final int[] CHANNELS = {64, 128, 128};
    static final int[] KERNELS = {7, 5, 3};

    public final List<ResBlock> blocks = new ArrayList<>();
    public final Linear fc;

    public TemporalEncoder(int leads, int outDim, Rng rng) { this(leads, outDim, CHANNELS[0], rng); }

    /** With blocks of {@code width}, 2 width, 2 width channels (the official 64 / 128 / 128 at width 64). */
    public TemporalEncoder(int leads, int outDim, int width, Rng rng) {
        int in = leads;
        for (int i = 0; i < CHANNELS.length; i++) {
            int out = CHANNELS[i] * width / CHANNELS[0];
            blocks.add(child("resblock" + (i + 1), new ResBlock(in, out, rng)));
            in = out;
        }
        fc = child("fc", new Linear(in, outDim, true, rng));
    }

    /**
     * Re-initialises as the official TemEnc (tsai layers on fastai) is initialised instead of PyTorch's defaults
     * [temenc_layers/layers.py ConvBlock, Norm]: the convolutions followed by a ReLU (convblock1, convblock2 of each
     * block) get Kaiming uniform weights (bound sqrt(6 / fan_in)), every BatchNorm bias is 1e-3 (weights stay 1);
     * the other convolutions and fc keep PyTorch's default, as there.
     */
    public void initOfficial(Rng rng) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue().shape();
            if (name.matches("resblock\\d+\\.convblock[12]\\.0\\.weight")) {
                float bound = (float) Math.sqrt(6.0 / (shape[1] * shape[2]));
                values.put(name, Tensor.rand(rng, -bound, bound, shape));
            } else if (name.endsWith(".bias") && !name.startsWith("fc.")) {
                values.put(name, Tensor.full(1e-3f, shape));   // conv layers have no bias: every other bias is a BatchNorm's
            }
        }
        loadStateDict(values, false);
    }

    /** Raw signals [B, leads, T] -> [B, outDim]. */
    public Tensor forward(Tensor x) {
        for (ResBlock b : blocks) x = b.forward(x);
        return fc.forward(x.mean(2, false));
    }

    /** Conv (no bias, 'same' padding) -> BatchNorm1d, optionally -> ReLU: PyTorch's Sequential(conv, bn). */
    public static final class ConvBn extends Module {
        public final Conv1d conv;
        public final BatchNorm1d bn;

        ConvBn(int in, int out, int kernel, Rng rng) {
            conv = child("0", new Conv1d(in, out, kernel, rng));
            bn = child("1", new BatchNorm1d(out));
        }

        Tensor forward(Tensor x, boolean relu) {
            Tensor y = bn.forward(conv.forward(x));
            return relu ? y.relu() : y;
        }
    }

    /** relu(convblock3(relu(convblock2(relu(convblock1(x))))) + shortcut(x)). */
    public static final class ResBlock extends Module {
        public final ConvBn[] convBlocks = new ConvBn[KERNELS.length];
        /** The 1x1 conv + BN shortcut when the channel count changes, else null. */
        public final ConvBn projection;
        /** The BN-only shortcut when the channel count stays, else null. */
        public final BatchNorm1d identityNorm;

        ResBlock(int in, int out, Rng rng) {
            for (int i = 0; i < KERNELS.length; i++)
                convBlocks[i] = child("convblock" + (i + 1), new ConvBn(i == 0 ? in : out, out, KERNELS[i], rng));
            projection = in != out ? child("shortcut", new ConvBn(in, out, 1, rng)) : null;
            identityNorm = in == out ? child("shortcut", new BatchNorm1d(in)) : null;
        }

        Tensor forward(Tensor x) {
            Tensor y = x;
            for (int i = 0; i < convBlocks.length; i++) y = convBlocks[i].forward(y, i < convBlocks.length - 1);
            Tensor shortcut = projection != null ? projection.forward(x, false) : identityNorm.forward(x);
            return y.add(shortcut).relu();
        }
    }
}
