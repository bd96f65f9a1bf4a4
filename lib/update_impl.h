/* Private: the optimizer update kernels, one set per instruction-set path
 * (update_generic.c, update_avx2.c, update_avx512.c), chosen with the
 * model's GEMM path.
 *
 * One pass per step, all or nothing. A kernel reads each parameter, its
 * gradient and the optimizer state once, copies the parameter to `backup`,
 * writes the new parameter in place and the new state to `next_state`, and
 * reports whether every new value is finite. The caller then commits (the
 * optimizer swaps its state halves) or rolls back (parameters restored
 * from backup, state untouched). This replaces a check pass followed by a
 * commit pass, computing every update once instead of twice.
 *
 * The vector paths do the operations of the scalar element functions below
 * in the same order (separate multiplies and adds, IEEE sqrt and division,
 * no fused multiply-add), so every path gives the same bits; tests rely on
 * it, and so may a user who moves a model between machines. */
#ifndef NNLITE_UPDATE_IMPL_H
#define NNLITE_UPDATE_IMPL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "gemm_impl.h"

/* Everything one step needs; constants fixed before the ranges run, so a
 * range's result depends on the range alone (the thread split). */
typedef struct nnlite__update {
    float *params;
    const float *grads;
    float *backup;       /* [n]: params as they were */
    const float *state;  /* SGD: velocity or NULL; Adam: m then v */
    float *next_state;   /* same layout as state */
    size_t n;
    /* SGD */
    float lr, momentum, weight_decay;
    int nesterov;
    /* Adam (weight_decay shared) */
    float beta1, beta2, epsilon;
    float step_size; /* lr / (1 - beta1^t) */
    float bc2_sqrt;  /* sqrt(1 - beta2^t) */
    float decay;     /* AdamW: 1 - lr wd; 1 otherwise */
    int decoupled;
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

/* The kernels of a path (any path gemm_kernels_for accepts). */
const nnlite__update_kernels *nnlite__update_kernels_for(nnlite__gemm_path p);

/* x - x is 0 for finite x and NaN otherwise; summing such terms flags a
 * non-finite value without a branch. */
static inline float nnlite__not_finite_term(float x)
{
    return x - x;
}

/* SGD, PyTorch's rule: g += wd p; v = mu v + g (v starts at 0, so the
 * first step sets v = g); step = g + mu v (Nesterov) or v; p -= lr step.
 * Element i of a range; returns the terms to sum for the finite check. */
static inline float nnlite__sgd_element(const nnlite__update *u, size_t i)
{
    const float p = u->params[i];
    const float g = u->grads[i] + u->weight_decay * p;
    const float p1 = p - u->lr * g;
    u->backup[i] = p;
    u->params[i] = p1;
    return nnlite__not_finite_term(p1);
}

static inline float nnlite__momentum_element(const nnlite__update *u,
                                             size_t i)
{
    const float p = u->params[i];
    const float g = u->grads[i] + u->weight_decay * p;
    const float v = u->momentum * u->state[i] + g;
    const float step = u->nesterov ? g + u->momentum * v : v;
    const float p1 = p - u->lr * step;
    u->backup[i] = p;
    u->params[i] = p1;
    u->next_state[i] = v;
    return nnlite__not_finite_term(p1) + nnlite__not_finite_term(v);
}

/* Adam with bias correction, PyTorch's arithmetic:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p = p decay - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * L2 decay (not decoupled) adds wd p to g first. */
static inline float nnlite__adam_element(const nnlite__update *u, size_t i)
{
    const size_t n = u->n;
    const float p = u->params[i];
    const float g =
        u->decoupled ? u->grads[i] : u->grads[i] + u->weight_decay * p;
    const float m = u->beta1 * u->state[i] + (1.0f - u->beta1) * g;
    const float v =
        u->beta2 * u->state[n + i] + (1.0f - u->beta2) * g * g;
    const float p1 =
        p * u->decay - u->step_size * m / (sqrtf(v) / u->bc2_sqrt +
                                           u->epsilon);
    u->backup[i] = p;
    u->params[i] = p1;
    u->next_state[i] = m;
    u->next_state[n + i] = v;
    return nnlite__not_finite_term(p1) + nnlite__not_finite_term(m) +
           nnlite__not_finite_term(v);
}

#endif /* NNLITE_UPDATE_IMPL_H */
