/* Private: a dense layer and the ReLU after it, run as one pass for a few
 * samples (the GEMV path of inference and of one-sample training). */
#ifndef NNLITE_DENSE_RELU_IMPL_H
#define NNLITE_DENSE_RELU_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "compute_impl.h"
#include "layer_impl.h"

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

#endif /* NNLITE_DENSE_RELU_IMPL_H */
