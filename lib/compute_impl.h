/* Private: what the fast dense passes need from their model: the kernel
 * table, packing scratch (one slice per thread) and the thread pool. */
#ifndef NNLITE_COMPUTE_IMPL_H
#define NNLITE_COMPUTE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "gemm_impl.h"
#include "layer_impl.h"
#include "nnlite/model.h"
#include "thread_pool.h"

typedef struct nnlite__compute {
    const nnlite__gemm_kernels *kernels;
    float *pack;        /* threads * pack_floats floats */
    size_t pack_floats; /* per thread; enough for the widest layer */
    nnlite__pool *pool; /* NULL: one thread */
} nnlite__compute;

/* Below this many rows a dense product is cheaper as dot products or
 * axpys (one GEMV per sample forward) than packed: packing touches every
 * weight once per call. */
#define NNLITE__DENSE_FAST_MIN_ROWS 4

/* Inputs narrower than one vector: a plain loop beats the masked vector
 * loads and the horizontal sum of a SIMD GEMV (the online W3 network). */
#define NNLITE__DENSE_TINY_IN 16

/* Products with fewer multiply-adds than this stay on one thread: waking
 * a worker costs microseconds, more than it would save. */
#define NNLITE__THREAD_MIN_WORK ((size_t)1 << 20)

/* Below this many parameters one thread does the optimizer update
 * (model_update.c): it streams a few floats per parameter. */
#define NNLITE__THREAD_MIN_PARAMS ((size_t)1 << 16)

/* The whole product; split by output rows or columns over the pool when
 * large. Each C element is computed by one thread with the same operations
 * in the same order as without a pool, so results are bit-identical. */
void nnlite__compute_gemm(const nnlite__compute *cx,
                          const nnlite__gemm_args *g);

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

/* Fill *cx from the model; false until nnlite__model_reserve_compute()
 * succeeded for the current layers (callers then use the layer ops). */
bool nnlite__model_compute(const nnlite_model *m, nnlite__compute *cx);

/* Test hook: run the kernels of path (a nnlite__gemm_path) from now on;
 * NNLITE_EINVAL when this CPU or build lacks it. */
nnlite_status nnlite__model_force_path(nnlite_model *m, int path);

#endif /* NNLITE_COMPUTE_IMPL_H */
