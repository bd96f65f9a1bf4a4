/* Private: a compute context, everything a layer's pass needs to run on
 * the kernels: the GEMM table of the chosen path, packing scratch (one
 * slice per thread) and the thread pool. The model owns what it points
 * to and hands it down through the layer ops. */
#ifndef NNLITE_COMPUTE_IMPL_H
#define NNLITE_COMPUTE_IMPL_H

#include <stddef.h>

#include <stdbool.h>

#include "gemm_impl.h"
#include "rng_impl.h"
#include "thread_pool_impl.h"

typedef struct nnlite__compute {
    const nnlite__gemm_kernels *kernels;
    float *pack;        /* threads * pack_floats floats */
    size_t pack_floats; /* per thread; enough for the widest layer */
    nnlite__pool *pool; /* NULL: one thread */
    /* Training-only behaviour (dropout): set by the model for the passes
     * of a training step; false for inference (forward, evaluate). */
    bool training;
    nnlite__rng *rng;   /* the model's generator: draws during training */
    float *mask;        /* the current layer's mask: batch x width floats
                         * kept from forward to backward (keeps_mask) */
} nnlite__compute;

/* Products with fewer multiply-adds than this stay on one thread: waking
 * a worker costs microseconds, more than it would save. */
#define NNLITE__THREAD_MIN_WORK ((size_t)1 << 20)

/* The whole product; split by output rows or columns over the pool when
 * large. Each C element is computed by one thread with the same operations
 * in the same order as without a pool, so results are bit-identical. */
void nnlite__compute_gemm(const nnlite__compute *cx,
                          const nnlite__gemm_args *g);

#endif /* NNLITE_COMPUTE_IMPL_H */
