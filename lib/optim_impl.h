/* Private: the optimizer struct; update rules in sgd.c and adam.c. */
#ifndef NNLITE_OPTIM_IMPL_H
#define NNLITE_OPTIM_IMPL_H

#include <stddef.h>

#include "nnlite/optim.h"

struct nnlite_optimizer {
    nnlite_optimizer_options options;
    nnlite_allocator allocator;
    float *state;          /* SGD: velocity; Adam: m then v */
    size_t param_count;    /* parameters the state is sized for */
    unsigned long long steps;
    double beta1_power;    /* beta1^steps, kept as a product: no pow() */
    double beta2_power;
};

/* Size the state for n parameters (zeroed). Keeps the old state and
 * returns NNLITE_ENOMEM when allocation fails. No-op if already sized. */
nnlite_status nnlite__optimizer_reserve(nnlite_optimizer *o, size_t n);

/* One update of n parameters from their gradients. State must be sized. */
void nnlite__optimizer_step(nnlite_optimizer *o, float *params,
                            const float *grads, size_t n);

void nnlite__sgd_step(nnlite_optimizer *o, float *params, const float *grads,
                      size_t n);
void nnlite__adam_step(nnlite_optimizer *o, float *params, const float *grads,
                       size_t n);

#endif /* NNLITE_OPTIM_IMPL_H */
