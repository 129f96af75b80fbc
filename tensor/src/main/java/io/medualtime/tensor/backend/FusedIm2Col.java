package io.medualtime.tensor.backend;

/**
 * conv1d's im2col in one kernel, for a backend where every primitive call costs a launch (CUDA:
 * kernels/conv.ptx im2col1d). Optional: ops/Conv composes it elsewhere (a zero-padded copy of x, then a
 * strided copy of its windows).
 */
public interface FusedIm2Col {

    /**
     * col [B, Cin*k, L] (dense from 0) with col[b, ci*k + j, t] = x[b, ci, t + j - k/2] (0 outside
     * [0, L)), from x of shape [B, Cin, L]; k odd ('same' padding).
     */
    void im2col(Storage col, Span x, ChannelShape shape, int k);
}
