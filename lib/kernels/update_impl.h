/* Private: the optimizer update kernels, one set per instruction-set path
 * (update_generic.c, update_avx2.c, update_avx512.c, update_neon.c),
 * chosen with the model's GEMM path.
 *
 * One pass per step, all or nothing. A kernel reads each parameter, its
 * gradient and the optimizer state once, copies the parameter to `backup`,
 * writes the new parameter in place and the new state to `next_state`, and
 * reports whether every new value is finite. The caller then commits (the
 * optimizer swaps its state halves) or rolls back (parameters restored
 * from backup, state untouched). This replaces a check pass followed by a
 * commit pass, computing every update once instead of twice.
 *
 * The vector paths do the operations of the portable path
 * (update_generic.c) in the same order (separate multiplies and adds, IEEE
 * sqrt and division, no fused multiply-add), so every path gives the same
 * bits; tests rely on it, and so may a user who moves a model between
 * machines. */
#ifndef NNLITE_UPDATE_IMPL_H
#define NNLITE_UPDATE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "cpu_impl.h"

/* Everything one step needs; constants fixed before the ranges run, so a
 * range's result depends on the range alone (the thread split). */
typedef struct nnlite__update {
    float *params;
    const float *grads;
    float *backup;       /* [n]: params as they were */
    const float *state;  /* SGD: velocity or NULL; Adam: m, v, then
                            (AMSGrad) vmax */
    float *next_state;   /* same layout as state */
    size_t n;
    /* SGD */
    float lr, momentum, weight_decay;
    float dampen; /* 1 - dampening; 1 at the first step */
    int nesterov;
    /* Adam (weight_decay shared) */
    float beta1, beta2, epsilon;
    float step_size; /* lr / (1 - beta1^t) */
    float bc2_sqrt;  /* sqrt(1 - beta2^t) */
    float decay;     /* AdamW: 1 - lr wd; 1 otherwise */
    int decoupled;
    int amsgrad; /* divide by the largest v so far (state + 2n) */
    double beta1_power, beta2_power; /* b^t after this step */
} nnlite__update;

/* Update elements [i0, i1); true when every new value is finite. */
typedef bool (*nnlite__update_fn)(const nnlite__update *u, size_t i0,
                                  size_t i1);

typedef struct nnlite__update_kernels {
    nnlite__update_fn sgd;      /* without momentum (no state) */
    nnlite__update_fn momentum; /* SGD with momentum, Nesterov or not */
    nnlite__update_fn adam;
} nnlite__update_kernels;

extern const nnlite__update_kernels nnlite__update_generic;
extern const nnlite__update_kernels nnlite__update_avx2;   /* x86-64 only */
extern const nnlite__update_kernels nnlite__update_avx512; /* x86-64 only */
extern const nnlite__update_kernels nnlite__update_neon;   /* aarch64 only */

/* The kernels of a path (any path gemm_kernels_for accepts). */
const nnlite__update_kernels *nnlite__update_kernels_for(nnlite__kernel_path p);

#endif /* NNLITE_UPDATE_IMPL_H */
