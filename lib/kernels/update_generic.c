/* The portable optimizer updates, one element at a time: the reference
 * whose operations, in this order, the vector paths repeat lane by lane
 * (update_simd_impl.h). */
#include <math.h>

#include "update_impl.h"

/* x - x is 0 for finite x and NaN otherwise; summing such terms flags a
 * non-finite value without a branch. */
static float not_finite_term(float x)
{
    return x - x;
}

/* SGD, PyTorch's rule: g += wd p; v = mu v + (1 - dampening) g (v starts
 * at 0 and the first step scales g by 1, so it sets v = g); step =
 * g + mu v (Nesterov) or v; p -= lr step. Without dampening the scale is
 * 1 and the product exact. Element i; returns the terms to sum for the
 * finite check. */
static float sgd_element(const nnlite__update *u, size_t i)
{
    const float p = u->params[i];
    const float g = u->grads[i] + u->weight_decay * p;
    const float p1 = p - u->lr * g;
    u->backup[i] = p;
    u->params[i] = p1;
    return not_finite_term(p1);
}

static float momentum_element(const nnlite__update *u, size_t i)
{
    const float p = u->params[i];
    const float g = u->grads[i] + u->weight_decay * p;
    const float v = u->momentum * u->state[i] + u->dampen * g;
    const float step = u->nesterov ? g + u->momentum * v : v;
    const float p1 = p - u->lr * step;
    u->backup[i] = p;
    u->params[i] = p1;
    u->next_state[i] = v;
    return not_finite_term(p1) + not_finite_term(v);
}

/* Adam with bias correction, PyTorch's arithmetic:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p = p decay - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * L2 decay (not decoupled) adds wd p to g first. AMSGrad divides by the
 * largest v so far instead, vmax = max(vmax, v), kept after m and v. A
 * NaN v is flagged whatever max makes of it, so the step is undone. */
static float adam_element(const nnlite__update *u, size_t i)
{
    const size_t n = u->n;
    const float p = u->params[i];
    const float g =
        u->decoupled ? u->grads[i] : u->grads[i] + u->weight_decay * p;
    const float m = u->beta1 * u->state[i] + (1.0f - u->beta1) * g;
    const float v =
        u->beta2 * u->state[n + i] + (1.0f - u->beta2) * g * g;
    const float vmax =
        u->amsgrad ? fmaxf(u->state[2 * n + i], v) : v;
    const float p1 =
        p * u->decay - u->step_size * m / (sqrtf(vmax) / u->bc2_sqrt +
                                           u->epsilon);
    u->backup[i] = p;
    u->params[i] = p1;
    u->next_state[i] = m;
    u->next_state[n + i] = v;
    if (u->amsgrad) {
        u->next_state[2 * n + i] = vmax;
    }
    return not_finite_term(p1) + not_finite_term(m) +
           not_finite_term(v);
}

static bool sgd_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += sgd_element(u, i);
    }
    return bad == 0.0f;
}

static bool momentum_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += momentum_element(u, i);
    }
    return bad == 0.0f;
}

static bool adam_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += adam_element(u, i);
    }
    return bad == 0.0f;
}

const nnlite__update_kernels nnlite__update_generic = {
    sgd_generic, momentum_generic, adam_generic,
};

const nnlite__update_kernels *nnlite__update_kernels_for(nnlite__kernel_path p)
{
    switch (p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case NNLITE__PATH_AVX512:
        return &nnlite__update_avx512;
    case NNLITE__PATH_AVX2:
        return &nnlite__update_avx2;
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
    case NNLITE__PATH_NEON:
        return &nnlite__update_neon;
#endif
    default:
        return &nnlite__update_generic;
    }
}
