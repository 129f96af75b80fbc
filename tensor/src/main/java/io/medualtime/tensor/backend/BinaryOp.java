package io.medualtime.tensor.backend;

/** Elementwise binary ops with broadcasting. EQ and GT give 1 or 0. */
public enum BinaryOp { ADD, SUB, MUL, DIV, POW, MAX, EQ, GT }
