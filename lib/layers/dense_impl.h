/* Private: the dense layer's passes on the kernels. */
#ifndef NNLITE_DENSE_IMPL_H
#define NNLITE_DENSE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "compute_impl.h"
#include "layer_impl.h"

/* Below this many rows a dense product is cheaper as dot products or
 * axpys (one GEMV per sample forward) than packed: packing touches every
 * weight once per call. */
#define NNLITE__DENSE_FAST_MIN_ROWS 4

/* Inputs narrower than one vector: a plain loop beats the masked vector
 * loads and the horizontal sum of a SIMD GEMV (the online W3 network). */
#define NNLITE__DENSE_TINY_IN 16

/* Dense passes on the kernels (float accumulation; see gemm_impl.h).
 * Contracts as the layer ops', except that backward overwrites dparams
 * (a step computes each layer's gradients once, so nothing needs zeroing
 * first): forward overwrites y; backward overwrites dparams, and dx
 * unless it is NULL. */
void nnlite__dense_forward_fast(const nnlite_layer *layer,
                                const float *params, const float *x,
                                float *y, size_t batch,
                                const nnlite__compute *cx);
void nnlite__dense_backward_fast(const nnlite_layer *layer,
                                 const float *params, const float *x,
                                 const float *dy, float *dx, float *dparams,
                                 size_t batch, const nnlite__compute *cx);

/* Whether layers dense, next may run as one fused pass over `rows` rows:
 * a dense layer on the kernels' GEMV, then a ReLU. The limits are the
 * ones nnlite__dense_forward_fast uses to pick the GEMV, so fusing changes
 * no bit (tests/test_fused.c checks it). Inline: the forward
 * pass asks for every layer of every sample. */
static inline bool nnlite__dense_relu_fusable(const nnlite_layer *dense,
                                              const nnlite_layer *next,
                                              size_t rows)
{
    return rows < NNLITE__DENSE_FAST_MIN_ROWS &&
           dense->ops->kind == NNLITE_LAYER_DENSE &&
           dense->in >= NNLITE__DENSE_TINY_IN &&
           next->ops->kind == NNLITE_LAYER_RELU;
}

/* y = dense(x), as nnlite__dense_forward_fast writes it, and r = relu(y),
 * as the ReLU's forward writes it; both [batch, out]. Only for layers
 * nnlite__dense_relu_fusable accepts. */
void nnlite__dense_relu_forward_fast(const nnlite_layer *dense,
                                     const float *params, const float *x,
                                     float *y, float *r, size_t batch,
                                     const nnlite__compute *cx);

#endif /* NNLITE_DENSE_IMPL_H */
