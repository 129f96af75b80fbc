/** Tensors, reverse-mode autograd, and the CPU / CUDA backends. */
package io.medualtime.tensor;
