/* Private: the optimizer struct; update rules in sgd.c and adam.c. */
#ifndef NNLITE_OPTIM_IMPL_H
#define NNLITE_OPTIM_IMPL_H

#include <stdbool.h>
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

/* One update of n parameters from their gradients (state must be sized).
 * false, changing nothing, when the update would leave a parameter or a
 * state value NaN or infinite (a step that overflows float). */
bool nnlite__optimizer_step(nnlite_optimizer *o, float *params,
                            const float *grads, size_t n);

/* The update rules. commit false: only check that every new value would
 * be finite (returns that), storing nothing; commit true: store them. Both
 * passes compute the same expressions, so a checked update is exact. */
bool nnlite__sgd_step(nnlite_optimizer *o, float *params, const float *grads,
                      size_t n, bool commit);
bool nnlite__adam_step(nnlite_optimizer *o, float *params, const float *grads,
                       size_t n, bool commit);

#endif /* NNLITE_OPTIM_IMPL_H */
