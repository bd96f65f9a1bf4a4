/* Private: one-sample dense passes for layers narrower than one AVX-512
 * vector (fewer than NNLITE__SMALL_IN inputs), the whole work of online
 * training on small networks (W3 in tests/bench). They are chosen with the
 * model's GEMM path; generic loops elsewhere (small_generic.c), one masked
 * vector per weight row with AVX-512 (small_avx512.c).
 *
 * Precision: the backward pass does the portable loop's operations in the
 * same order on every path (a product per weight, input gradients summed
 * over outputs in order), so its bits never depend on the path. The
 * forward sums of a row differ in order (a vector's horizontal sum against
 * a running sum), within the float-accumulation contract of gemm_impl.h. */
#ifndef NNLITE_SMALL_IMPL_H
#define NNLITE_SMALL_IMPL_H

#include <stddef.h>

#include "gemm_impl.h"

/* Inputs a small pass takes at most, plus one. */
#define NNLITE__SMALL_IN 16

/* y[o] = b[o] + sum_i w[o][i] x[i] for o < out; W is [out][in]. */
typedef void (*nnlite__small_forward_fn)(const float *w, const float *x,
                                         const float *b, float *y,
                                         size_t out, size_t in);

/* dW[o][i] = dy[o] x[i], db = dy, and dx = sum_o dy[o] W[o] unless dx is
 * NULL (all overwritten). */
typedef void (*nnlite__small_backward_fn)(const float *w, const float *x,
                                          const float *dy, float *dx,
                                          float *dw, float *db, size_t in,
                                          size_t out);

typedef struct nnlite__small_kernels {
    nnlite__small_forward_fn forward;
    nnlite__small_backward_fn backward;
} nnlite__small_kernels;

extern const nnlite__small_kernels nnlite__small_generic;
extern const nnlite__small_kernels nnlite__small_avx512; /* x86-64 only */

/* The kernels of a path (any path gemm_kernels_for accepts). */
const nnlite__small_kernels *nnlite__small_kernels_for(nnlite__gemm_path p);

#endif /* NNLITE_SMALL_IMPL_H */
