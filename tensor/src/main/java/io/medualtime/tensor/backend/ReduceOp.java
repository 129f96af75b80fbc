package io.medualtime.tensor.backend;

/** Reductions over one axis. */
public enum ReduceOp { SUM, MAX }
