package io.medualtime.tensor.backend;

/** The dense [batch, channels, length] layout of 1-d convolution and batch-norm activations. */
public record ChannelShape(int batch, int channels, int length) {
    public ChannelShape {
        if (batch < 0 || channels < 0 || length < 0)
            throw new IllegalArgumentException("shape [" + batch + ", " + channels + ", " + length + "] has a negative size");
    }

    public long numel() { return (long) batch * channels * length; }
}
