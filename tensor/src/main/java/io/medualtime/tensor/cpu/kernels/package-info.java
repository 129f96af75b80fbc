/**
 * The CPU backend's kernels, one class per op (see {@code docs/INTERNALS.md}). Every entry point takes
 * its arguments in the {@link io.medualtime.tensor.backend.Backend}'s order: an op selector if any, then
 * outputs, then inputs, then sizes and scalars; the row and vector helpers inside follow it too.
 */
package io.medualtime.tensor.cpu.kernels;
