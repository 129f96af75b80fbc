package io.medualtime.tensor.backend;

/** Reductions over one axis. {@link #code} is the op's number in kernels/reduce.ptx (the one table of those codes). */
public enum ReduceOp {
    SUM(0), MAX(1);

    /** The op code of reduce.ptx's reduce_rows and reduce_cols. */
    public final int code;

    ReduceOp(int code) { this.code = code; }
}
